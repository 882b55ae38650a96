import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlugAllocator, slugify } from './slug.ts';

test('slugs: lower case, accents folded, punctuation collapsed, bounded', () => {
  assert.equal(slugify('Creating Image without Dockerfile'), 'creating-image-without-dockerfile');
  assert.equal(slugify('Étape 2: ¿Qué pasa?'), 'etape-2-que-pasa');
  assert.equal(slugify('  --  '), '');
  assert.equal(slugify('x'.repeat(200)).length, 60);
});

test('duplicate titles get -2, -3; an empty slug takes the fallback', () => {
  const slugs = new SlugAllocator();
  assert.deepEqual(
    [
      slugs.next('Setup', 'step-1'),
      slugs.next('Setup', 'step-2'),
      slugs.next('setup!', 'step-3'),
      slugs.next('???', 'step-4'),
    ],
    ['setup', 'setup-2', 'setup-3', 'step-4'],
  );
});
