import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePortPlaceholders, splitPortLinks } from './placeholders.ts';

test('Katacoda and Killercoda port placeholders become /port/N/ paths', () => {
  assert.equal(
    resolvePortPlaceholders(
      'Open https://[[HOST_SUBDOMAIN]]-8080-[[KATACODA_HOST]].environments.katacoda.com/api/v1 now',
    ),
    'Open /port/8080/api/v1 now',
  );
  assert.equal(
    resolvePortPlaceholders('[site]({{TRAFFIC_HOST1_80}}) and {{TRAFFIC_HOST2_3000}}/x'),
    '[site](/port/80/) and /port/3000/x',
  );
  assert.equal(resolvePortPlaceholders('[[HOST_IP]] stays'), '[[HOST_IP]] stays');
});

test('port paths in text split into links, keeping sentence punctuation outside', () => {
  assert.deepEqual(splitPortLinks('Visit /port/80/. Then /port/81/a/b, done'), [
    'Visit ',
    { href: '/port/80/', text: '/port/80/' },
    '. Then ',
    { href: '/port/81/a/b', text: '/port/81/a/b' },
    ', done',
  ]);
  assert.deepEqual(splitPortLinks('nothing here'), ['nothing here']);
  assert.deepEqual(splitPortLinks('/ports/80/ is not one'), ['/ports/80/ is not one']);
});
