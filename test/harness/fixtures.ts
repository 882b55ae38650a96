// Where the files the system tests read live: all inside the repository (test/fixtures), so a fresh clone tests
// itself. Each folder's README says where its files came from and under what licence.
import { join } from 'node:path';
import { REPO_ROOT } from './cli.ts';

/** test/fixtures, relative to the repository root (CLI runs take paths relative to their cwd, the root). */
export const FIXTURES_REL = join('test', 'fixtures');
export const FIXTURES_ROOT = join(REPO_ROOT, FIXTURES_REL);
/** Real image archives, with GROUND_TRUTH.json and PROVENANCE.md beside them. */
export const IMAGE_FIXTURES = join(FIXTURES_ROOT, 'images');
/** grafana/killercoda (Apache-2.0), relative to the repository root. */
export const KILLERCODA_CORPUS_REL = join(FIXTURES_REL, 'corpus', 'grafana-killercoda');
export const KILLERCODA_CORPUS = join(REPO_ROOT, KILLERCODA_CORPUS_REL);
/** The tutorial the first lesson comes from, verbatim. */
export const SOURCE_TUTORIAL = join(FIXTURES_ROOT, 'tutorials', 'what-is-a-container-image.md');
