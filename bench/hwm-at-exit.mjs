// Preloaded with `node --import ./bench/hwm-at-exit.mjs …`: at exit, writes this process's peak RSS
// (VmHWM, kB) to $BENCH_HWM_FILE, so a short-lived CLI run reports its true peak; and, when
// $BENCH_CPU_FILE is set, the CPU seconds it used (user + system, all threads) there.
import fs from 'node:fs';

const out = process.env.BENCH_HWM_FILE;
if (out) {
  process.on('exit', () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    fs.writeFileSync(out, m ? m[1] : '0');
  });
}

const cpuOut = process.env.BENCH_CPU_FILE;
if (cpuOut) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    fs.writeFileSync(cpuOut, String((u.user + u.system) / 1e6));
  });
}
