import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppContext } from './app-context';
import { createStore } from './store';
import { createClient } from './transport';
import './styles.css';

// The selected cluster survives a reload (issue 28): remembered in this browser's localStorage.
const context = { client: createClient(), store: createStore({ memory: window.localStorage }) };
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={context}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
