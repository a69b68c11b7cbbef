import { useId, type ReactNode } from 'react';

/** A labelled fact; the value's accessible name is its label (role `definition`). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="fact">
      <dt id={id}>{label}</dt>
      <dd aria-labelledby={id}>{children}</dd>
    </div>
  );
}

export function Facts({ children }: { children: ReactNode }) {
  return <dl className="facts">{children}</dl>;
}
