/**
 * Preloaded into a child process (`NODE_OPTIONS=--require …/peakRss.js`): on exit, writes the process's peak
 * resident set size in KiB to the file named by PEAK_RSS_FILE, so that a test can state a memory bound for a real
 * CLI process.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
