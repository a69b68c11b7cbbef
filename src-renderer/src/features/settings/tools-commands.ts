import type { ToolName } from '@contract';
import type { CommandContext } from '../../commands/command';

/** Check again: reads the tools report now (Settings' button; the loader reads it on open). */
export async function checkToolsAgain({ client, store }: CommandContext): Promise<void> {
  const result = await client.invoke('tools:report', {});
  if (result.ok) store.getState().setToolsReport(result.value);
  else store.getState().setToolsError(result.error);
}

/** Installs the pinned version; progress arrives as pushed events. */
export async function downloadTool({ client, store }: CommandContext, tool: ToolName): Promise<void> {
  const state = store.getState();
  state.setToolBusy(tool, true);
  try {
    const result = await client.invoke('tools:download', { tool });
    if (result.ok) store.getState().replaceTool(result.value);
    else store.getState().showError(result.error);
  } finally {
    store.getState().setToolBusy(tool, false);
  }
}

/** Uses the given file for a tool (null: back to automatic discovery). */
export async function chooseToolPath(
  { client, store }: CommandContext,
  tool: ToolName,
  path: string | null,
): Promise<boolean> {
  store.getState().setToolBusy(tool, true);
  try {
    const result = await client.invoke('tools:set-path', { tool, path });
    if (result.ok) store.getState().replaceTool(result.value);
    else store.getState().showError(result.error);
    return result.ok;
  } finally {
    store.getState().setToolBusy(tool, false);
  }
}
