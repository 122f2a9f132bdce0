import { render } from 'preact';
import { App } from './App.tsx';
import '../styles.css';
import { checkSession } from './session.ts';

void checkSession();
render(<App />, document.getElementById('app')!);
