// Parses Mermaid files with mermaid's own parser (no browser needed for
// parse). Usage: node mermaid-parse.mjs <file.mmd>...
// Prints one line per file: `<file>: ok <diagram type>`; exits 1 on the
// first file that does not parse, with mermaid's error message.
import { readFileSync } from "node:fs";
import mermaid from "mermaid";

mermaid.initialize({ startOnLoad: false });
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node mermaid-parse.mjs <file.mmd>...");
  process.exit(2);
}
for (const file of files) {
  const text = readFileSync(file, "utf8");
  try {
    const result = await mermaid.parse(text);
    console.log(`${file}: ok ${result.diagramType}`);
  } catch (err) {
    console.error(`${file}: ${err && err.message ? err.message : err}`);
    process.exit(1);
  }
}
