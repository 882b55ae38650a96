import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECK_KINDS, checkListJsonSchema, parseCheckList, typedCheck } from './check-schema.ts';

const FILE = 'lesson.md';
/** The YAML starts on line 10 of the lesson, as if a ```check fence were on line 9. */
const AT = { file: FILE, line: 10 };

function problemsOf(yaml: string): string[] {
  return parseCheckList(yaml, AT).problems.map((p) => `${p.line} ${p.severity}: ${p.message}`);
}

test('every kind parses, with its target, fields, hint and line', () => {
  const yaml = [
    '- file: busybox/release', // 10
    '  contains: KatacodaPrivateBuild',
    '  mode: "0644"',
    '  hint: Write it with echo.',
    '- tar: project.tar.gz', // 14
    '  has: [project/README.md]',
    '  count: {min: 2}',
    '  compressed: gzip',
    '- image: docker://busybox', // 18
    '  layers: 1',
    '  files: {min: 1, max: 400}',
    '  file: {path: /release, contains: KatacodaPrivateBuild}',
    '  config: {Cmd: [sh], Env: ["PATH=/bin"], Labels: {a: b}}',
    '  verified: true',
    '- command: diff -r a b', // 24
    '  exit: 0',
    '  stdout: {matches: "^$"}',
    '  timeout: 5',
    '- output: true', // 28
    '  contains: hello',
    '  exit: 0',
    '- script: step1/verify.sh', // 31
    '  timeout: 30',
    '  hint: Create the pod.',
  ].join('\n');
  const { checks, problems } = parseCheckList(yaml, AT);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    checks.map((c) => [c.kind, c.target, c.source.line, c.hint ?? null]),
    [
      ['file', 'busybox/release', 10, 'Write it with echo.'],
      ['tar', 'project.tar.gz', 14, null],
      ['image', 'docker://busybox', 18, null],
      ['command', 'diff -r a b', 24, null],
      ['output', 'true', 28, null],
      ['script', 'step1/verify.sh', 31, 'Create the pod.'],
    ],
  );
  assert.deepEqual(checks[0]?.fields, { contains: 'KatacodaPrivateBuild', mode: '0644' });
  assert.deepEqual(checks[2]?.fields.file, { path: '/release', contains: 'KatacodaPrivateBuild' });
  // typedCheck gives the same item back, typed by kind.
  const typed = checks.map(typedCheck);
  assert.deepEqual(
    typed.map((t) => t.kind),
    [...CHECK_KINDS],
  );
  const image = typed[2];
  assert.ok(image?.kind === 'image');
  assert.deepEqual(image.item.files, { min: 1, max: 400 });
  const output = typed[4];
  assert.ok(output?.kind === 'output' && output.item.output);
});

test('an unknown kind, and an unknown field, are errors at their own lines', () => {
  assert.deepEqual(
    problemsOf('- file: a\n  contians: x\n- fil: b\n- image: docker://x\n  file: {path: /a, bogus: 1}'),
    [
      "11 error: unknown field 'contians' in file check (allowed: exists, absent, contains, matches, mode, type, hint)",
      "12 error: unknown check kind 'fil' (expected one of file, tar, image, command, output, script)",
      "14 error: unknown field 'file.bogus' in image check (allowed: path, exists, contains, matches)",
    ],
  );
});

test('wrong values name the field, at the value line', () => {
  assert.deepEqual(
    problemsOf(
      [
        '- file: a', // 10
        '  mode: 644',
        '- file: b', // 12
        '  exists: true',
        '  absent: true',
        '- output: true', // 15
        '  matches: "(["',
        '- command: ls', // 17
        '  stdout: {}',
        '  timeout: 9999',
        '- image: x.tar', // 20
        '  layers: lots',
        '  format: docker',
        '- tar: x.tar', // 23
        '  compressed: bzip2',
        '- output: yes please', // 25
      ].join('\n'),
    ),
    [
      '11 error: file check: \'mode\': mode must be a quoted octal string such as "0644" (unquoted, YAML reads it as a number)',
      "12 error: file check: 'exists: true' and 'absent: true' contradict each other",
      "16 error: output check: 'matches': not a valid regular expression",
      "18 error: command check: 'stdout': give 'contains' or 'matches'",
      "19 error: command check: 'timeout': Too big: expected number to be <=600",
      "21 error: image check: 'layers': expected a whole number or {min, max}",
      '22 error: image check: \'format\': Invalid option: expected one of "docker-archive"|"oci-archive"|"oci-layout"|"tar"|"docker-engine"',
      "24 error: tar check: 'compressed': expected true, false, 'gzip' or 'zstd'",
      "25 error: output check: 'output': Invalid input: expected true",
    ],
  );
});

test('an item with two kinds, one without a kind, and one that is not a mapping', () => {
  assert.deepEqual(problemsOf('- file: a\n  tar: a\n- hint: alone\n- just text'), [
    "11 error: a check has one kind, but this one has 'file' and 'tar': make them separate items",
    '12 error: check 2 has no kind',
    "13 error: check 3 is not a mapping: write it as '- file: PATH' with fields below",
  ]);
});

test('a required nested field that is missing is reported at its parent', () => {
  assert.deepEqual(problemsOf('- image: docker://x\n  file: {contains: y}'), [
    "11 error: image check: missing required field 'file.path'",
  ]);
});

test('bad YAML, a mapping instead of a list, duplicate keys and an empty block', () => {
  assert.deepEqual(problemsOf('- file: a\n  contains: [unclosed'), [
    '11 error: bad YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(problemsOf('file: a\ncontains: b'), [
    "10 error: a check block is a YAML list: start each check with '- '",
  ]);
  assert.deepEqual(problemsOf('- file: a\n  file: b'), ['11 error: bad YAML: Map keys must be unique']);
  assert.deepEqual(problemsOf(''), ['10 warning: empty check block']);
});

test('hostile YAML: an alias bomb is refused, not expanded', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  ];
  const problems = problemsOf(bomb.join('\n'));
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^10 error: bad YAML: .*alias/i);
});

test('the JSON Schema has one strict alternative per kind', () => {
  const schema = checkListJsonSchema();
  assert.equal(schema.type, 'array');
  const items = schema.items as {
    anyOf: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> }[];
  };
  assert.deepEqual(
    items.anyOf.map((a) => a.required),
    CHECK_KINDS.map((k) => [k]),
  );
  for (const alternative of items.anyOf) {
    assert.equal(alternative.additionalProperties, false);
    assert.ok('hint' in alternative.properties);
  }
});
