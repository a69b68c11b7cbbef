import { Component, type ReactNode } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';

/**
 * A page that could not be loaded or drawn — its chunk not fetched (serve restarted with a new
 * build, the connection gone) or an error while rendering — says so and offers a reload, instead
 * of leaving the window blank (React unmounts everything above an uncaught error). The sidebar
 * stays: the other pages still work.
 */
export class PageBoundary extends Component<{ page: string; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="page-failed">
        <ErrorNotice
          title={`${this.props.page} could not be shown`}
          error={{
            code: 'INTERNAL',
            message: error.message,
            hint: 'Reload the window; if serve was restarted with a new build, the reload fetches it.',
          }}
        />
        <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
