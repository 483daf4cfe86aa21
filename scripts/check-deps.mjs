#!/usr/bin/env node
// Package-boundary check, run by `npm test` (before the test runner, after prettier).
// tsc and the bundler accept any import that resolves, so nothing else stops a package from
// reaching into another one's sources or taking a dependency the layering forbids. This script
// reads every source file's imports with TypeScript's parser (so comments, strings and
// multi-line imports are handled) and enforces:
//   (a) @kiosk/<p> imports follow the ALLOWED table below (and name an exported subpath);
//   (b) a relative import never leaves the importing file's own top-level folder
//       (no `../projector/src/...`: other packages are reached through their package name);
//   (c) shared/ is browser-safe: no `node:*` and no bare Node built-in (fs, path, crypto, ...);
//   (d) each package.json lists every @kiosk package its sources import, and no forbidden one.
// Import cycles are checked separately by dpdm (see the `lint` script in package.json).
// Usage: node scripts/check-deps.mjs   — prints `file:line: <rule> — <import>` per violation, exits 1 if any.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// folder → the package folders it may import through @kiosk/<name>. '*' = any package.
const PACKAGES = {
  shared: [],
  store: ['shared'],
  projector: ['shared', 'store'],
  'sync-server': ['shared', 'store'],
  cli: ['shared', 'store', 'projector', 'sync-server'],
  client: ['shared'],
};
const FOLDERS = { bench: '*', test: '*', migrations: [] }; // not packages: no package.json rules
const NAME = (folder) => `@kiosk/${folder}`;
const EXTENSIONS = /\.(ts|tsx|mts|cts|mjs|cjs|js|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist']);
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));
const MOCK_CALLS = new Set(['mock', 'doMock', 'unmock', 'doUnmock', 'importActual', 'importMock']);

const violations = [];
const report = (file, line, rule, spec) => violations.push(`${file}:${line}: ${rule} — ${spec}`);

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every module specifier in a file: import/export-from, import =, import(), import('x').T, require(), vi.mock() & co. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const kind = file.endsWith('.tsx') || file.endsWith('.jsx') ? ts.ScriptKind.TSX : file.match(/\.[cm]?js$/) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const found = [];
  const add = (node) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      found.push({ spec: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isMock =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'vi' && MOCK_CALLS.has(callee.name.text);
      if (isImport || isRequire || isMock) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Whether `@kiosk/x/sub` names a key of x's `exports` (exact or a `*` pattern); true when x has no exports map. */
function isExported(manifest, subpath) {
  const exportsField = manifest?.exports;
  if (!exportsField || typeof exportsField === 'string') return subpath === '.' || !exportsField;
  const keys = Object.keys(exportsField);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.'; // conditions-only exports: just the root
  return keys.some((key) => {
    if (!key.includes('*')) return key === subpath;
    const [before, after] = key.split('*');
    return subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= before.length + after.length;
  });
}

const manifests = {}; // package folder → package.json (present packages only)
for (const folder of Object.keys(PACKAGES)) {
  const file = path.join(ROOT, folder, 'package.json');
  if (existsSync(file)) manifests[folder] = readJson(file);
}
const folderOfName = Object.fromEntries(Object.keys(PACKAGES).map((f) => [NAME(f), f]));

// The root's workspaces and the table above must describe the same packages.
const workspaces = (readJson(path.join(ROOT, 'package.json')).workspaces ?? []).map((w) => w.replace(/\/$/, ''));
for (const workspace of workspaces) {
  if (!(workspace in PACKAGES)) report('package.json', 1, '(d) workspace missing from the table in scripts/check-deps.mjs', workspace);
}
for (const folder of Object.keys(manifests)) {
  if (!workspaces.includes(folder)) report('package.json', 1, `(d) ${folder}/ has a package.json but is not a workspace`, folder);
  if (manifests[folder].name !== NAME(folder)) report(`${folder}/package.json`, 1, `(d) package name must be ${NAME(folder)}`, String(manifests[folder].name));
}

let fileCount = 0;
let importCount = 0;
const usedByPackage = {}; // package folder → Set of @kiosk folders its sources import
const present = [];
for (const [folder, allowed] of [...Object.entries(PACKAGES), ...Object.entries(FOLDERS)]) {
  const dir = path.join(ROOT, folder);
  if (!existsSync(dir)) continue;
  present.push(folder);
  const isPackage = folder in PACKAGES;
  const used = (usedByPackage[folder] = new Set());
  for (const file of walk(dir)) {
    fileCount++;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    for (const { spec, line } of importsOf(file)) {
      importCount++;
      const kiosk = spec.match(/^@kiosk\/([^/]+)(\/.*)?$/);
      if (kiosk) {
        const target = folderOfName[`@kiosk/${kiosk[1]}`];
        if (!target) report(rel, line, '(a) unknown @kiosk package', spec);
        else if (target === folder) report(rel, line, `(a) ${folder} imports itself by package name (use a relative import)`, spec);
        else if (allowed !== '*' && !allowed.includes(target)) report(rel, line, `(a) ${folder} may not import ${NAME(target)}`, spec);
        else {
          if (isPackage) used.add(target);
          if (manifests[target] && !isExported(manifests[target], `.${kiosk[2] ?? ''}`))
            report(rel, line, `(a) ${NAME(target)} does not export "${'.' + (kiosk[2] ?? '')}"`, spec);
        }
        continue;
      }
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const resolved = path.relative(ROOT, path.resolve(path.dirname(file), spec));
        const top = resolved.split(path.sep)[0];
        if (resolved.startsWith('..') || path.isAbsolute(resolved) || top !== folder) {
          const hint = top in PACKAGES ? ` (import ${NAME(top)}/… instead)` : '';
          report(rel, line, `(b) relative import leaves ${folder}/${hint}`, spec);
        }
        continue;
      }
      if (folder === 'shared' && (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]))) {
        report(rel, line, '(c) shared/ must stay browser-safe: no Node built-ins', spec);
      }
    }
  }
}

// (d) package.json dependencies agree with the imports.
for (const [folder, manifest] of Object.entries(manifests)) {
  const file = `${folder}/package.json`;
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const lineOf = (name) => Math.max(1, text.split('\n').findIndex((l) => l.includes(`"${name}"`)) + 1);
  const listed = new Set(
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {})),
  );
  for (const name of listed) {
    if (!name.startsWith('@kiosk/')) continue;
    const target = folderOfName[name];
    if (!target) report(file, lineOf(name), '(d) lists an unknown @kiosk package', name);
    else if (target === folder) report(file, lineOf(name), '(d) lists itself', name);
    else if (!PACKAGES[folder].includes(target)) report(file, lineOf(name), `(d) ${folder} may not depend on ${name}`, name);
  }
  for (const target of usedByPackage[folder] ?? []) {
    if (!listed.has(NAME(target))) report(file, 1, `(d) sources import ${NAME(target)} but dependencies do not list it`, NAME(target));
  }
}

const absent = [...Object.keys(PACKAGES), ...Object.keys(FOLDERS)].filter((f) => !present.includes(f));
const scope = `${fileCount} files, ${importCount} imports in ${present.join(', ')}${absent.length ? ` (not present: ${absent.join(', ')})` : ''}`;
if (violations.length) {
  console.error(violations.join('\n'));
  console.error(`check-deps: ${violations.length} violation(s) — ${scope}`);
  process.exit(1);
}
console.log(`check-deps: OK — ${scope}`);
