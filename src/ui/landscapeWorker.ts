// Web Worker entry of src/ui/landscapeJobs.ts: runs refinements, regularization paths and long
// descent paths off the page's thread.
import { runLandscapeJob } from './landscapeJobs';
import { serveJobs } from './workerJobs';

serveJobs(runLandscapeJob);
