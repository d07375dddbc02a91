// Web Worker entry of the initialization explorer: the mean-field theory of a configuration
// (src/core/meanField.ts) off the page's thread. For constant init it takes up to ~1 s at depth 200.
import type { InitConfig } from '../core/initConfig';
import { meanFieldTheory } from '../core/meanField';
import { serveJobs } from './workerJobs';

serveJobs((job: { config: InitConfig }) => meanFieldTheory(job.config));
