import type { Finding } from '@contract';
import { RichText } from './RichText';

/** Findings as the user needs them: what is wrong, then the fix. */
export function FindingList({ findings, label = 'Findings' }: { findings: Finding[]; label?: string }) {
  if (findings.length === 0) return null;
  return (
    <ul className="findings" aria-label={label}>
      {findings.map((finding) => (
        <li key={`${finding.code}:${finding.message}`}>
          <strong>{finding.message}</strong>
          <span>
            Fix: <RichText text={finding.fix} />
          </span>
        </li>
      ))}
    </ul>
  );
}
