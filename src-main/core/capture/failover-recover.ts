import type Docker from 'dockerode';
import { KindscopeError } from '../../contract';
import { helperLabel, ownerLabel } from '../docker/helper-containers';

/**
 * After a drill was interrupted (Ctrl-C in the CLI): start (or unpause) the node it stopped — only a
 * container kind labels as a node of this cluster — and remove this process's capture
 * helpers. What the drill's own `finally` does, for when the process is leaving before it ran.
 */
export async function recoverFailoverDrill(
  docker: Docker,
  input: { cluster: string; node: string },
): Promise<{ started: boolean; removedHelpers: number }> {
  const helpers = await docker
    .listContainers({ all: true, filters: { label: [`${ownerLabel}=${process.pid}`, `${helperLabel}=capture`] } })
    .catch(() => []);
  let removedHelpers = 0;
  for (const helper of helpers)
    await docker
      .getContainer(helper.Id)
      .remove({ force: true })
      .then(() => removedHelpers++)
      .catch(() => undefined);
  const nodes = await docker.listContainers({
    all: true,
    filters: { label: [`io.x-k8s.kind.cluster=${input.cluster}`], name: [input.node] },
  });
  const node = nodes.find((c) => c.Names.some((n) => n.replace(/^\//, '') === input.node));
  if (!node)
    throw new KindscopeError(
      'INVALID_INPUT',
      `node: ${input.node} is not a node container of the kind cluster "${input.cluster}"`,
      `List its nodes with \`kind get nodes --name ${input.cluster}\`.`,
    );
  // A drill in BGP mode may have frozen it (docker pause): a paused container is unpaused, not started.
  if (node.State === 'paused') await docker.getContainer(node.Id).unpause();
  else if (node.State !== 'running') await docker.getContainer(node.Id).start();
  const state = (await docker.getContainer(node.Id).inspect()) as { State?: { Running?: boolean; Paused?: boolean } };
  return { started: state.State?.Running === true && state.State.Paused !== true, removedHelpers };
}
