// Web Worker entry of src/ui/landscapeJobs.ts: runs refinements and regularization paths off the page's thread.
import { type LandscapeWorkerRequest, type LandscapeWorkerResponse, runLandscapeJob } from './landscapeJobs';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<LandscapeWorkerRequest>) => void) | null;
  postMessage(message: LandscapeWorkerResponse): void;
};

scope.onmessage = (event) => {
  const { id, ...job } = event.data;
  try {
    scope.postMessage({ id, result: runLandscapeJob(job) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
