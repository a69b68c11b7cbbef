/** An area of the app that is planned but not in this build: says so plainly. */
export function PlannedPage({ title, summary }: { title: string; summary: string }) {
  return (
    <>
      <header className="page-header">
        <h1>{title}</h1>
        <p className="muted">{summary}</p>
      </header>
      <section className="card" aria-label={`${title} status`}>
        <p>Not in this build yet. Follow the project's issues for progress.</p>
      </section>
    </>
  );
}
