// Preloaded with `node --import`: on exit, writes this process's peak RSS (bytes) to $STEPWISE_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const target = process.env.STEPWISE_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes.
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
