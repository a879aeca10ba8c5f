//! `build_speed`: how fast `cargo build` is on synthetic SaaS schemas of N
//! tables, against drizzle-kit, serde's derives and a plain crate, measured
//! in one run on one machine.
//!
//! ```text
//! cargo run --release -p tablewright-bench -- [--sizes 50,200,1000] [--work <dir>]
//! ```
//!
//! For every N it writes, under `<work>` (default `target/build-speed`), a
//! cargo workspace of three crates of the same N structs
//! ([`tablewright_bench::synthetic`]): `tw-N` (tablewright's attributes and
//! the one-line `build.rs`), `serde-N` (`#[derive(Serialize, Deserialize)]`)
//! and `plain-N` (no derive), then measures:
//!
//! - the build script's full generation, in the dev profile (what `cargo
//!   build` runs: cargo compiles build scripts at `opt-level = 0`), in the
//!   dev profile with the package overrides docs/build-speed.md recommends for large
//!   schemas ([`RECOMMENDED_OVERRIDES`], the `dev-tuned` profile of the
//!   work dir) and optimized (`--release`, `build-override` at
//!   `opt-level = 3`), by running the compiled build script as cargo does,
//!   with a fresh `OUT_DIR`;
//! - `drizzle-kit generate` on the Drizzle schema that build wrote (the same
//!   tables), from `tools/node`;
//! - the touch path: `touch src/schema.rs` then `cargo build` (wall), and the
//!   build script alone on that path; an edit that changes no item;
//! - a no-op `cargo build` of `tw-N` and of `plain-N`, and what it prints;
//! - the build script's stored output (what cargo replays on every build);
//! - the crates' compile time after a touch, for the macros' cost per table.
//!
//! Every figure is the best of a few runs (the machine is shared). Results
//! go to stdout as a markdown table and to `<work>/results.md`.
//!
//! `build_speed --stages 1000` instead times each stage and emitter of one
//! generation in this process (built in whatever profile ran it): where
//! the time goes, starting with syn's bare parse of the sources (the floor
//! under any generation, since the build script reads the schema with the
//! macros' front end). `--stages 1000 --tenancy` does the same for the
//! schema made multi-tenant
//! ([`synthetic::SyntheticSchema::tablewright_source_multi_tenant`]).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tablewright_bench::synthetic;

/// The packages docs/build-speed.md recommends optimizing in the dev profile
/// (`[profile.dev.package.<name>] opt-level = 3`): tablewright's generator,
/// the parser it reads the schema with, and the JSON and SQL writers it
/// renders with. The benchmark's `dev-tuned` profile is the dev profile
/// with exactly these.
const RECOMMENDED_OVERRIDES: [&str; 5] = ["tablewright-core", "syn", "proc-macro2", "serde_json", "sea-query"];

fn main() {
    let mut sizes = vec![50, 200, 1000];
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("bench/ is in the repository").to_path_buf();
    let mut work = repo.join("target/build-speed");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().unwrap_or_default();
                sizes =
                    list.split(',').map(|n| n.trim().parse().expect("--sizes takes numbers: 50,200,1000")).collect();
            }
            "--work" => work = PathBuf::from(args.next().expect("--work takes a directory")),
            "--stages" => {
                let n = args.next().and_then(|n| n.parse().ok()).expect("--stages takes a number of tables");
                let tenancy = args.next().is_some_and(|a| a == "--tenancy");
                stages(&work, n, tenancy);
                return;
            }
            "-h" | "--help" => {
                println!("build_speed [--sizes 50,200,1000] [--work <dir>] | --stages <N> [--tenancy]");
                return;
            }
            other => panic!("unknown argument `{other}` (try --help)"),
        }
    }
    let bench = Bench::new(repo, work, &sizes);
    let load_before = load_average();
    let mut results = Vec::new();
    for &n in &sizes {
        eprintln!("== N = {n}");
        results.push(bench.measure(n));
    }
    let machine = format!(
        "{}; load average (1 min) {load_before} at the start, {} at the end (other processes share the cores)",
        bench.machine(),
        load_average()
    );
    let report = report(&results, &machine);
    println!("{report}");
    fs::write(bench.work.join("results.md"), &report).expect("write results.md");
}

/// Times each stage of one generation of the N-table schema, in process.
fn stages(work: &Path, n: usize, tenancy: bool) {
    use tablewright_core::build::pipeline;
    use tablewright_core::emit::{self, Context, EmitOptions, Emitted};

    let schema = synthetic::generate(n);
    let (dir, source) = if tenancy {
        (work.join(format!("stages-{n}-tenancy")), schema.tablewright_source_multi_tenant())
    } else {
        (work.join(format!("stages-{n}")), schema.tablewright_source())
    };
    fs::create_dir_all(dir.join("src")).expect("create the crate dir");
    write_if_changed(&dir.join("src/schema.rs"), &source);
    let input = pipeline::Input {
        crate_dir: dir.clone(),
        src_dir: dir.join("src"),
        out_dir: dir.join("generated"),
        history: Default::default(),
    };
    let options = EmitOptions::default();
    let timed =
        |label: &str, start: Instant| println!("{label:>12} {:>9.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    // The floor under any generation: syn's parse of the sources, nothing else.
    let start = Instant::now();
    let file = syn::parse_file(&source).expect("the synthetic schema parses");
    timed("syn parse", start);
    drop(file);
    let start = Instant::now();
    let (_, scanned) = pipeline::scan(&input).expect("scan");
    timed("scan", start);
    let mut schema = scanned.schema;
    let start = Instant::now();
    let errors = pipeline::transform(&mut schema);
    timed("transform", start);
    let start = Instant::now();
    let more = pipeline::validate(&schema);
    timed("validate", start);
    assert!(errors.iter().chain(&more).all(|d| !d.is_error()), "the synthetic schema has errors");
    let start = Instant::now();
    let cx = Context::new(&schema, &options);
    timed("context", start);
    for emitter in emit::all() {
        let start = Instant::now();
        emitter.emit(&cx, &mut Emitted::default());
        timed(emitter.name(), start);
    }
    tablewright_core::timings::enable();
    let start = Instant::now();
    let artifacts = pipeline::generate(&input, &options).expect("generate");
    timed("all, in parallel", start);
    // The same generation as the build script's TABLEWRIGHT_TIMINGS=1 sees it.
    for line in tablewright_core::timings::lines(&tablewright_core::timings::take()) {
        println!("  {line}");
    }
    let start = Instant::now();
    artifacts.write().expect("write");
    timed("write", start);
}

struct Bench {
    repo: PathBuf,
    work: PathBuf,
    target: PathBuf,
    cargo: PathBuf,
}

/// The figures of one N.
#[derive(Default)]
struct Figures {
    n: usize,
    dev_full: Duration,
    dev_full_cpu: Duration,
    tuned_full: Duration,
    tuned_full_cpu: Duration,
    opt_full: Duration,
    opt_full_cpu: Duration,
    drizzle: Duration,
    touch_script: Duration,
    edit_script: Duration,
    touch_wall: Duration,
    noop_wall: Duration,
    noop_plain: Duration,
    noop_lines: usize,
    noop_bytes: usize,
    full_lines: usize,
    stored_output: u64,
    review_bytes: u64,
    plain_compile: Duration,
    serde_compile: Duration,
}

impl Bench {
    fn new(repo: PathBuf, work: PathBuf, sizes: &[usize]) -> Bench {
        fs::create_dir_all(&work).expect("create the work dir");
        let target = work.join("target");
        let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        let bench = Bench { repo, work, target, cargo };
        bench.write_workspace(sizes);
        // The timed builds run `--offline` (no index update inside a figure);
        // on a fresh machine the registry cache may lack a crate only the
        // synthetic crates need, so fetch the lockfile's crates once first.
        bench.cargo(&["fetch"], &[]);
        bench
    }

    fn write_workspace(&self, sizes: &[usize]) {
        let mut members = Vec::new();
        for &n in sizes {
            let schema = synthetic::generate(n);
            let tw = self.repo.join("tablewright");
            let tw = tw.display();
            self.write_crate(
                &format!("tw-{n}"),
                &format!(
                    "[dependencies]\ntablewright = {{ path = \"{tw}\" }}\n\n[build-dependencies]\ntablewright = {{ path = \"{tw}\", features = [\"build\"] }}\n"
                ),
                &schema.tablewright_source(),
                Some("fn main() {\n    tablewright::build::Builder::new().run();\n}\n"),
            );
            self.write_crate(
                &format!("serde-{n}"),
                &format!(
                    "[dependencies]\ntablewright = {{ path = \"{tw}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
                     uuid = {{ version = \"1\", features = [\"serde\"] }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"serde\"] }}\n\
                     rust_decimal = {{ version = \"1\", default-features = false, features = [\"serde\"] }}\n"
                ),
                &schema.serde_source(),
                None,
            );
            self.write_crate(
                &format!("plain-{n}"),
                &format!("[dependencies]\ntablewright = {{ path = \"{tw}\" }}\n"),
                &schema.plain_source(),
                None,
            );
            members.extend([format!("tw-{n}"), format!("serde-{n}"), format!("plain-{n}")]);
        }
        let list = members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ");
        let mut manifest = format!(
            "# Written by tablewright-bench; do not edit.\n[workspace]\nmembers = [{list}]\nresolver = \"3\"\n\n\
             # The dev profile with the overrides docs/build-speed.md recommends for large schemas.\n\
             [profile.dev-tuned]\ninherits = \"dev\"\n"
        );
        for package in RECOMMENDED_OVERRIDES {
            let _ = write!(manifest, "\n[profile.dev-tuned.package.{package}]\nopt-level = 3\n");
        }
        write_if_changed(&self.work.join("Cargo.toml"), &manifest);
        // The repository's lockfile pins the versions already in cargo's cache.
        let lock = self.work.join("Cargo.lock");
        if !lock.exists() {
            fs::copy(self.repo.join("Cargo.lock"), &lock).expect("copy Cargo.lock");
        }
    }

    fn write_crate(&self, name: &str, deps: &str, source: &str, build: Option<&str>) {
        let dir = self.work.join(name);
        fs::create_dir_all(dir.join("src")).expect("create a crate dir");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\n\n{deps}"
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        write_if_changed(&dir.join("src/lib.rs"), "//! A synthetic schema (tablewright-bench).\npub mod schema;\n");
        write_if_changed(&dir.join("src/schema.rs"), source);
        if let Some(build) = build {
            write_if_changed(&dir.join("build.rs"), build);
        }
    }

    /// `cargo <args>` in the work dir; panics with its output when it fails.
    fn cargo(&self, args: &[&str], envs: &[(&str, &str)]) -> (Duration, Output) {
        let mut cmd = Command::new(&self.cargo);
        cmd.args(args).current_dir(&self.work).env("CARGO_TARGET_DIR", &self.target).env_remove("TABLEWRIGHT_CHECK");
        // Not the variables cargo set for this benchmark's own process.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("CARGO_") && key != "CARGO_HOME" || key == "OUT_DIR" || key == "RUSTC_WRAPPER" {
                cmd.env_remove(key);
            }
        }
        cmd.env("CARGO_TARGET_DIR", &self.target);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let start = Instant::now();
        let output = cmd.output().expect("run cargo");
        let elapsed = start.elapsed();
        assert!(
            output.status.success(),
            "cargo {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        (elapsed, output)
    }

    /// The compiled build script of `package` in `profile` (the newest one).
    fn build_script(&self, profile: &str, package: &str) -> PathBuf {
        newest(&self.target.join(profile).join("build"), package, "build-script-build")
            .unwrap_or_else(|| panic!("no compiled build script of {package} ({profile})"))
    }

    /// Removes the stamps of `package`'s build-script runs, so cargo's next
    /// run of it generates in full.
    fn remove_stamps(&self, package: &str) {
        for profile in ["debug", "release"] {
            let Ok(entries) = fs::read_dir(self.target.join(profile).join("build")) else { continue };
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&format!("{package}-")) {
                    let _ = fs::remove_file(entry.path().join("out/tablewright.stamp"));
                }
            }
        }
    }

    /// Runs a build script as cargo does: `CARGO_MANIFEST_DIR` and `OUT_DIR`.
    fn run_script(&self, script: &Path, krate: &Path, out_dir: &Path) -> (Duration, Output) {
        fs::create_dir_all(out_dir).expect("create OUT_DIR");
        let start = Instant::now();
        let output = Command::new(script)
            .current_dir(krate)
            .env("CARGO_MANIFEST_DIR", krate)
            .env("OUT_DIR", out_dir)
            .env_remove("TABLEWRIGHT_CHECK")
            .output()
            .expect("run the build script");
        let elapsed = start.elapsed();
        assert!(output.status.success(), "the build script failed:\n{}", String::from_utf8_lossy(&output.stderr));
        (elapsed, output)
    }

    /// The best of `runs` full generations (wall time, and CPU time of the
    /// process: user + system, all threads): each in a fresh `OUT_DIR`, so
    /// no stamp lets it stop early.
    fn full_generation(&self, script: &Path, krate: &Path, out_dir: &Path, runs: usize) -> (Duration, Duration) {
        let mut cpu = Duration::MAX;
        let wall = best(runs, || {
            let _ = fs::remove_dir_all(out_dir);
            let before = children_cpu();
            let wall = self.run_script(script, krate, out_dir).0;
            cpu = cpu.min(children_cpu().saturating_sub(before));
            wall
        });
        (wall, cpu)
    }

    /// The best of `runs` dev builds of `package` right after touching its schema.
    fn touch_build(&self, package: &str, runs: usize) -> Duration {
        let schema_rs = self.work.join(package).join("src/schema.rs");
        best(runs, || {
            touch(&schema_rs);
            self.cargo(&["build", "--offline", "-p", package], &[]).0
        })
    }

    fn measure(&self, n: usize) -> Figures {
        let mut f = Figures { n, ..Figures::default() };
        let (tw, plain, serde) = (format!("tw-{n}"), format!("plain-{n}"), format!("serde-{n}"));
        let krate = self.work.join(&tw);
        let runs = if n >= 1000 { 3 } else { 5 };

        // A build in which cargo's run of the build script generates in full
        // (no stamp, sources touched): what it prints and what cargo stores.
        eprintln!("   cargo build (dev), full generation");
        let schema_rs = krate.join("src/schema.rs");
        self.remove_stamps(&tw);
        touch(&schema_rs);
        let (_, first) = self.cargo(&["build", "--offline", "-p", &tw], &[]);
        f.full_lines = console_lines(&first.stderr, &tw);
        f.stored_output = newest(&self.target.join("debug/build"), &tw, "output").map_or(0, |p| file_len(&p));
        f.review_bytes = file_len(&krate.join("generated/review.md"));

        // No-op builds: nothing changed; cargo replays that stored output.
        f.noop_wall = best(3, || self.cargo(&["build", "--offline", "-p", &tw], &[]).0);
        let (_, noop) = self.cargo(&["build", "--offline", "-p", &tw], &[]);
        f.noop_lines = noop.stderr.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
        f.noop_bytes = noop.stderr.len();
        self.cargo(&["build", "--offline", "-p", &plain], &[]);
        f.noop_plain = best(3, || self.cargo(&["build", "--offline", "-p", &plain], &[]).0);

        // The build script's full generation, dev profile: a fresh OUT_DIR has no stamp.
        let script = self.build_script("debug", &tw);
        let out = self.work.join(format!("out-{n}"));
        (f.dev_full, f.dev_full_cpu) = self.full_generation(&script, &krate, &out, runs);
        eprintln!("   dev full generation {:.2?}", f.dev_full);
        // The touch path: same sources, stamp present.
        f.touch_script = best(3, || self.run_script(&script, &krate, &out).0);
        // An edit that changes no item (a comment at the end): parsed, then stopped.
        let source = fs::read_to_string(&schema_rs).expect("read schema.rs");
        f.edit_script = best(3, || {
            fs::write(&schema_rs, format!("{source}// edited {:?}\n", Instant::now())).expect("edit");
            self.run_script(&script, &krate, &out).0
        });
        fs::write(&schema_rs, &source).expect("restore schema.rs");
        self.run_script(&script, &krate, &out);

        // The dev profile with the recommended overrides (cargo check compiles
        // and runs the build script without compiling the library).
        self.cargo(&["check", "--offline", "--profile", "dev-tuned", "-p", &tw], &[]);
        let tuned = self.build_script("dev-tuned", &tw);
        let tuned_out = self.work.join(format!("out-tuned-{n}"));
        (f.tuned_full, f.tuned_full_cpu) = self.full_generation(&tuned, &krate, &tuned_out, runs);
        eprintln!("   dev + overrides full generation {:.2?}", f.tuned_full);

        // Optimized build script: `build-override` at opt-level 3 (cargo check
        // compiles and runs it without compiling the library).
        self.cargo(
            &["check", "--offline", "--release", "-p", &tw],
            &[("CARGO_PROFILE_RELEASE_BUILD_OVERRIDE_OPT_LEVEL", "3")],
        );
        let optimized = self.build_script("release", &tw);
        let opt_out = self.work.join(format!("out-opt-{n}"));
        (f.opt_full, f.opt_full_cpu) = self.full_generation(&optimized, &krate, &opt_out, runs);
        eprintln!("   optimized full generation {:.2?}", f.opt_full);

        // Touch: cargo reruns the build script and recompiles the crate.
        eprintln!("   touch builds");
        let touches = if n >= 1000 { 1 } else { 2 };
        f.touch_wall = self.touch_build(&tw, touches);
        f.plain_compile = self.touch_build(&plain, touches);
        self.cargo(&["build", "--offline", "-p", &serde], &[]);
        f.serde_compile = self.touch_build(&serde, touches);

        // drizzle-kit generate on the same tables.
        f.drizzle = self.drizzle_kit(n, &krate.join("generated/drizzle/schema.ts"), runs);
        eprintln!("   drizzle-kit {:.2?}", f.drizzle);
        f
    }

    fn drizzle_kit(&self, n: usize, schema_ts: &Path, runs: usize) -> Duration {
        let modules = self.repo.join("tools/node/node_modules");
        let bin = modules.join(".bin/drizzle-kit");
        assert!(bin.exists(), "{} is missing\nhelp: `npm ci` in tools/node (see README)", bin.display());
        let project = self.work.join(format!("drizzle-{n}"));
        fs::create_dir_all(&project).expect("create the drizzle project");
        let link = project.join("node_modules");
        if !link.exists() {
            std::os::unix::fs::symlink(&modules, &link).expect("link node_modules");
        }
        fs::copy(schema_ts, project.join("schema.ts")).expect("copy schema.ts");
        best(runs, || {
            let _ = fs::remove_dir_all(project.join("out"));
            let start = Instant::now();
            let output = Command::new(&bin)
                .args(["generate", "--dialect", "postgresql", "--schema", "schema.ts", "--out", "out"])
                .current_dir(&project)
                .output()
                .expect("run drizzle-kit");
            let elapsed = start.elapsed();
            let sql: String = fs::read_dir(project.join("out"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
                .map(|e| fs::read_to_string(e.path()).unwrap_or_default())
                .collect();
            // drizzle-kit exits 0 even when it could not load the schema: require its tables.
            let tables = sql.matches("CREATE TABLE").count();
            assert!(
                output.status.success() && tables == n,
                "drizzle-kit generate wrote {tables} CREATE TABLE for {n} tables:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            elapsed
        })
    }

    fn machine(&self) -> String {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let node = Command::new("node")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        format!("{cpu}, {cores} cores; {rustc}; node {node}, drizzle-kit 0.31")
    }
}

/// A line of the report: its label and how to print one N's figure.
type Row = (&'static str, Box<dyn Fn(&Figures) -> String>);

fn report(results: &[Figures], machine: &str) -> String {
    let secs = |d: Duration| format!("{:.2}", d.as_secs_f64());
    let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9));
    let pct = |a: Duration, b: Duration| format!("{:.1} %", 100.0 * a.as_secs_f64() / b.as_secs_f64().max(1e-9));
    let per_table_ms =
        |a: Duration, b: Duration, n: usize| format!("{:.1}", 1000.0 * (a.as_secs_f64() - b.as_secs_f64()) / n as f64);
    let rows: Vec<Row> = vec![
        (
            "build script, full generation, dev profile: wall / CPU (s)",
            Box::new(move |f| format!("{} / {}", secs(f.dev_full), secs(f.dev_full_cpu))),
        ),
        (
            "build script, full generation, dev profile + recommended overrides: wall / CPU (s)",
            Box::new(move |f| format!("{} / {}", secs(f.tuned_full), secs(f.tuned_full_cpu))),
        ),
        (
            "build script, full generation, optimized: wall / CPU (s)",
            Box::new(move |f| format!("{} / {}", secs(f.opt_full), secs(f.opt_full_cpu))),
        ),
        ("`drizzle-kit generate`, same tables (s)", Box::new(move |f| secs(f.drizzle))),
        ("build script dev / drizzle-kit", Box::new(move |f| ratio(f.dev_full, f.drizzle))),
        ("build script dev + overrides / drizzle-kit", Box::new(move |f| ratio(f.tuned_full, f.drizzle))),
        ("build script optimized / drizzle-kit", Box::new(move |f| ratio(f.opt_full, f.drizzle))),
        ("touch: build script (s)", Box::new(move |f| format!("{:.3}", f.touch_script.as_secs_f64()))),
        ("touch: `cargo build` (s)", Box::new(move |f| secs(f.touch_wall))),
        ("touch: build script / crate build", Box::new(move |f| pct(f.touch_script, f.touch_wall))),
        ("edit changing no item: build script (s)", Box::new(move |f| format!("{:.3}", f.edit_script.as_secs_f64()))),
        ("no-op `cargo build` (s)", Box::new(move |f| format!("{:.3}", f.noop_wall.as_secs_f64()))),
        ("no-op `cargo build`, plain crate (s)", Box::new(move |f| format!("{:.3}", f.noop_plain.as_secs_f64()))),
        ("no-op ratio", Box::new(move |f| ratio(f.noop_wall, f.noop_plain))),
        ("no-op console (lines / bytes)", Box::new(|f| format!("{} / {}", f.noop_lines, f.noop_bytes))),
        ("first build console (warning lines)", Box::new(|f| f.full_lines.to_string())),
        ("build-script output cargo stores (bytes)", Box::new(|f| f.stored_output.to_string())),
        ("review.md (bytes)", Box::new(|f| f.review_bytes.to_string())),
        (
            "crate build after touch: plain / serde (s)",
            Box::new(move |f| format!("{} / {}", secs(f.plain_compile), secs(f.serde_compile))),
        ),
        (
            "per table: `#[entity]` + build script / serde derive (ms)",
            Box::new(move |f| {
                format!(
                    "{} / {}",
                    per_table_ms(f.touch_wall, f.plain_compile, f.n),
                    per_table_ms(f.serde_compile, f.plain_compile, f.n)
                )
            }),
        ),
    ];
    let mut out = String::new();
    let _ = writeln!(out, "Machine: {machine}\n");
    let _ = write!(out, "| |");
    for f in results {
        let _ = write!(out, " N={} |", f.n);
    }
    let _ = write!(out, "\n|---|");
    for _ in results {
        out.push_str("---|");
    }
    out.push('\n');
    for (label, value) in &rows {
        let _ = write!(out, "| {label} |");
        for f in results {
            let _ = write!(out, " {} |", value(f));
        }
        out.push('\n');
    }
    let by_n = |n: usize| results.iter().find(|f| f.n == n);
    if let (Some(a), Some(b)) = (by_n(200), by_n(1000)) {
        let _ = writeln!(
            out,
            "\nN=1000 / N=200, full generation: dev {} (CPU {}), dev + overrides {} (CPU {}), optimized {} (CPU {})",
            ratio(b.dev_full, a.dev_full),
            ratio(b.dev_full_cpu, a.dev_full_cpu),
            ratio(b.tuned_full, a.tuned_full),
            ratio(b.tuned_full_cpu, a.tuned_full_cpu),
            ratio(b.opt_full, a.opt_full),
            ratio(b.opt_full_cpu, a.opt_full_cpu)
        );
    }
    out
}

/// The 1-minute load average, as `/proc/loadavg` has it.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// User + system CPU time of every child process waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The best (shortest) of `runs` timings.
fn best(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

/// The newest `<dir>/<package>-<hash>/<file>`.
fn newest(dir: &Path, package: &str, file: &str) -> Option<PathBuf> {
    let prefix = format!("{package}-");
    fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().strip_prefix(&prefix).is_some_and(|h| !h.contains('-')))
        .map(|e| e.path().join(file))
        .filter(|p| p.exists())
        .max_by_key(|p| fs::metadata(p).and_then(|m| m.modified()).ok())
}

/// Lines of a cargo build's console output that are warnings of `package`.
fn console_lines(stderr: &[u8], package: &str) -> usize {
    String::from_utf8_lossy(stderr).lines().filter(|l| l.starts_with(&format!("warning: {package}@"))).count()
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |m| m.len())
}

/// Sets a file's modification time to now without changing its bytes.
fn touch(path: &Path) {
    let file = fs::OpenOptions::new().append(true).open(path).expect("open for touch");
    file.set_modified(std::time::SystemTime::now()).expect("touch");
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
