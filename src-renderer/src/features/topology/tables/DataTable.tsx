import { useMemo, useState, type ReactNode } from 'react';
import { copyText } from '../../../components/clipboard';

export interface Column<Row> {
  header: string;
  /** The cell as text: what sorting, filtering and "Copy" use. */
  text(row: Row): string;
  render?(row: Row): ReactNode;
  numeric?: boolean;
}

/** A table for people who read: click a header to sort, type to filter, copy as tab-separated text. */
export function DataTable<Row>({
  title,
  rows,
  columns,
  rowKey,
}: {
  title: string;
  rows: Row[];
  columns: Column<Row>[];
  rowKey(row: Row): string;
}) {
  const [sort, setSort] = useState<{ column: number; descending: boolean }>({ column: 0, descending: false });
  const [filter, setFilter] = useState('');
  const [copied, setCopied] = useState(false);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const filtered = needle
      ? rows.filter((row) => columns.some((c) => c.text(row).toLowerCase().includes(needle)))
      : rows;
    const column = columns[sort.column]!;
    const compare = (a: Row, b: Row) =>
      column.numeric
        ? Number(column.text(a)) - Number(column.text(b))
        : column.text(a).localeCompare(column.text(b), undefined, { numeric: true });
    return [...filtered].sort((a, b) => (sort.descending ? -compare(a, b) : compare(a, b)));
  }, [rows, columns, sort, filter]);
  const copy = async () => {
    const lines = [columns.map((c) => c.header), ...shown.map((row) => columns.map((c) => c.text(row)))].map((cells) =>
      cells.join('\t'),
    );
    setCopied(await copyText(`${lines.join('\n')}\n`));
  };
  return (
    <section className="card data-table" aria-label={title}>
      <header className="card-header">
        <h2>{title}</h2>
        <span className="muted">
          {shown.length === rows.length ? `${rows.length}` : `${shown.length} of ${rows.length}`}
        </span>
        <span className="spacer" />
        <input
          type="search"
          aria-label={`Filter ${title}`}
          placeholder="Filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <button type="button" className="button button-secondary" onClick={() => void copy()}>
          {copied ? 'Copied' : `Copy ${title}`}
        </button>
      </header>
      <table>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th
                key={column.header}
                aria-sort={sort.column === index ? (sort.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  className="sort-button"
                  onClick={() =>
                    setSort({ column: index, descending: sort.column === index ? !sort.descending : false })
                  }
                >
                  {column.header}
                  <span aria-hidden="true">{sort.column === index ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.header}>{column.render ? column.render(row) : column.text(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
