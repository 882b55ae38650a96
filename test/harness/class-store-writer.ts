// A child process for the kill -9 test: it opens a class database and records check attempts in a loop, one step
// id per write (s<first>, s<first+1>, ...), and prints each step's number after its write returns (acknowledged).
import { ClassStore } from '../../server/class/index.ts';

const [file, firstArg] = process.argv.slice(2);
if (file === undefined || firstArg === undefined) throw new Error('usage: class-store-writer FILE FIRST');
const store = ClassStore.open(file);
if (store.classRecord() === undefined)
  store.createClass({ name: 'crash', code: 'ABCD-EFGH', instructorTokenHash: '00', createdAt: 'now' });
if (store.learner('L') === undefined)
  store.addLearner({ id: 'L', name: 'L', nameKey: 'l', secretHash: '00', joinedAt: 'now' }, 1);
for (let n = Number(firstArg); ; n++) {
  store.recordAttempt({
    learnerId: 'L',
    lessonId: 'lesson',
    stepId: `s${n}`,
    passed: n % 2 === 0,
    reason: 'x'.repeat(n % 300),
    at: 'now',
  });
  process.stdout.write(`${n}\n`);
}
