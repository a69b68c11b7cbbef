/** How full a pool is, as a meter with its numbers. */
export function UsageBar({
  used,
  total,
  label,
}: {
  used: number | undefined;
  total: number | undefined;
  label: string;
}) {
  if (total === undefined || total === 0) return <span className="muted">unknown</span>;
  const value = used ?? 0;
  return (
    <span className="usage">
      <meter aria-label={label} min={0} max={total} value={value} high={total * 0.9} />
      <span>
        {value} / {total}
      </span>
    </span>
  );
}
