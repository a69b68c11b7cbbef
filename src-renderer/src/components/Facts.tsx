import type { ReactNode } from 'react';

/** One labelled fact: a row whose header is the label (screen readers read "Version, 20.10"). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

/** A two-column table of facts, captioned for assistive technology. */
export function Facts({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    <table className="facts">
      <caption className="visually-hidden">{caption}</caption>
      <tbody>{children}</tbody>
    </table>
  );
}
