import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';

/**
 * The one-time token of a mailed link (invitation, password reset). Links carry it in the fragment
 * (`#token=…`), which the browser never sends to the server, so it stays out of access logs. Links mailed
 * before that carry `?token=…`: still accepted, and moved into the fragment at once so a reload does not
 * send it again. Read from the current location on every render, so a link pasted into an open page (only
 * the fragment changes: no reload) is picked up too. The pages hand the token to the API in POST bodies only.
 */
export function useLinkToken(): string {
  const { pathname, search, hash } = useLocation();
  const navigate = useNavigate();
  const fromFragment = new URLSearchParams(hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(search).get('token');
  useEffect(() => {
    if (fromQuery && !fromFragment) navigate(`${pathname}#token=${encodeURIComponent(fromQuery)}`, { replace: true });
  }, [fromQuery, fromFragment, pathname, navigate]);
  return fromFragment ?? fromQuery ?? '';
}
