import type { CommandContext } from '../../commands/command';
import { bindQuery, Query } from '../../data/query';

/**
 * The tools report into the store (Settings and the welcome share it) and the pushed
 * download progress; returns the stop. Reading again: start it again (Check again).
 */
export function followTools({ client, store }: CommandContext): () => void {
  const report = bindQuery(new Query(client, { call: 'tools:report', input: {} }), ({ value, error }) => {
    if (error) store.getState().setToolsError(error);
    else if (value) store.getState().setToolsReport(value);
  });
  const progress = client.subscribe('tools:download-progress', (p) => store.getState().setDownloadProgress(p));
  return () => {
    report();
    progress();
  };
}
