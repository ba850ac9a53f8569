import { useEffect, useState } from 'react';

/** Screens live behind the hash (#/treasurer?batch=…): the node serves one page at `/`. */
export interface Route {
  screen: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [screen = '', query = ''] = text.split('?', 2);
  return { screen, params: new URLSearchParams(query) };
}

export function hrefOf(screen: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${screen}${query ? `?${query}` : ''}`;
}

export function navigate(screen: string, params: Record<string, string> = {}): void {
  window.location.hash = hrefOf(screen, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
