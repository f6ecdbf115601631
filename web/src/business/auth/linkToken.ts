import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';

/**
 * The one-time token of a mailed link (invitation, password reset). Links carry it in the fragment
 * (`#token=…`), which the browser never sends to the server, so it stays out of access logs. Links mailed
 * before that carry `?token=…`: still accepted, and moved into the fragment at once so a reload does not
 * send it again. The pages hand the token to the API in POST bodies only.
 */
export function useLinkToken(): string {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => new URLSearchParams(location.hash.slice(1)).get('token') ?? new URLSearchParams(location.search).get('token') ?? '');
  const inQuery = new URLSearchParams(location.search).has('token');
  useEffect(() => {
    if (token && inQuery) navigate(`${location.pathname}#token=${encodeURIComponent(token)}`, { replace: true });
  }, [token, inQuery, location.pathname, navigate]);
  return token;
}
