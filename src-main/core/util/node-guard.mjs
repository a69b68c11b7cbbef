// Refuses an unsupported Node before anything else loads: imported first by every entry
// point (CLI, serve mode; the lab through `node --import`), whose heavy imports come after
// it as dynamic imports, so Node 20 prints this one line instead of a stack trace from
// undici (which needs node:zlib's zstd, Node >= 22.15) or client-node.
// Plain old JavaScript on purpose: it must parse and run on any Node.
// MINIMUM_NODE must equal package.json "engines" (node-guard.test.ts).

export var MINIMUM_NODE = '22.19.0';

/** The refusal for `version` (e.g. "20.20.2"), or undefined when it is supported. */
export function nodeVersionProblem(version) {
  var have = String(version).split('.').map(Number);
  var need = MINIMUM_NODE.split('.').map(Number);
  for (var i = 0; i < 3; i++) {
    if ((have[i] || 0) > need[i]) return undefined;
    if ((have[i] || 0) < need[i]) {
      return (
        'Kindscope needs Node.js >= ' +
        MINIMUM_NODE +
        ' (Node 24 LTS recommended); this is Node ' +
        version +
        ' (' +
        process.execPath +
        '). Install Node 24 and run it again.'
      );
    }
  }
  return undefined;
}

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem + '\n');
  process.exit(1);
}
