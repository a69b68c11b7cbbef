import { createHash } from 'node:crypto';

/** The small pages serve mode answers with instead of the app: no script, one hashed style. */

const style =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 ' +
  '1rem;color:#1d2530}code{background:#eef1f5;padding:0 ' +
  '.25em;border-radius:3px}h1{font-size:1.3rem}';

/** Nothing but this page's own style block. */
export const pagesCsp =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; ` +
  `base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title} — ` +
    'Kindscope</title><meta name="viewport" ' +
    `content="width=device-width"><style>${style}</style></head><body><main>${body}</main></body></html>\n`
  );
}

/**
 * 401: what happened and how to get in. A restarted server keeps its token, so this
 * appears after `--new-token`, with a URL from another machine, or when the cookie was cleared.
 */
export function unauthorizedPage(): string {
  return page(
    'Sign-in needed',
    `<h1>Kindscope needs its access token</h1>
<p>This browser has no valid token for this Kindscope server. That happens when the server
was started with <code>--new-token</code> (or <code>KINDSCOPE_TOKEN</code> changed), when the cookie was
cleared, or when this address was opened without the link the server printed.</p>
<p><strong>What to do:</strong> open the URL that <code>npm run serve</code> printed in its terminal — it ends
in <code>?token=…</code>. On a lab server, the token is also in the file <code>serve-token</code> in
Kindscope's data folder (<code>~/.local/share/kindscope</code> on Linux,
<code>~/Library/Application Support/Kindscope</code> on macOS, or <code>$KINDSCOPE_HOME</code>):
open <code>http://ADDRESS:PORT/?token=</code> followed by its contents.</p>`,
  );
}

/** 421: a Host that is not this server (a DNS-rebinding page, or a wrong name). */
export function misdirectedPage(): string {
  return page(
    'Wrong address',
    `<h1>This Kindscope server answers only to its own address</h1>
<p>The request named another host. Open the URL the server printed (with <code>127.0.0.1</code> or
<code>localhost</code> and its port).</p>`,
  );
}
