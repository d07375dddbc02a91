// Web Worker entry of src/ui/regularizationJobs.ts: runs refinements, regularization paths and long
// descent paths off the page's thread.
import { runRegularizationJob } from './regularizationJobs';
import { serveJobs } from './workerJobs';

serveJobs(runRegularizationJob);
