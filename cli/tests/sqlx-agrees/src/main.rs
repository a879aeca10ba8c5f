//! `sqlx-agrees <database URL> <migrations folder>`: runs sqlx's migrator
//! (what `sqlx::migrate!` runs at an application's start-up) and prints
//! the versions it applied; exits 1 with sqlx's error when it refuses.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, folder] = args.as_slice() else {
        eprintln!("usage: sqlx-agrees <postgres URL> <migrations folder>");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let result: Result<Vec<i64>, String> = runtime.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.map_err(|e| e.to_string())?;
        let migrator = sqlx::migrate::Migrator::new(Path::new(folder)).await.map_err(|e| e.to_string())?;
        let before: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
        migrator.run(&pool).await.map_err(|e| e.to_string())?;
        let after: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?;
        pool.close().await;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    });
    match result {
        Ok(applied) => {
            println!("sqlx applied {applied:?}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sqlx: {e}");
            ExitCode::from(1)
        }
    }
}
