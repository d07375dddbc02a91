// Web Worker entry of the page's CPU backend (no WebGPU): runs the CPU twins' jobs of src/ui/cpuTwinJobs.ts
// (init chunks, loss grids, training steps, phase-grid copies and rows) off the page's thread.
import { runCpuTwinJob } from './cpuTwinJobs';
import { serveJobs } from './workerJobs';

serveJobs(runCpuTwinJob);
