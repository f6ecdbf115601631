/**
 * The one error catalogue: stable machine codes → HTTP status → default message.
 * Every API error response is `{ error: { code, message, details } }` built from an AppError.
 */
export const ERRORS = {
  validation_failed: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  malformed_request: { status: 400, message: 'The request is not well-formed HTTP/1.1.' },
  invalid_url: { status: 400, message: 'The URL is not valid: every % must start a percent-encoded UTF-8 byte (%XX).' },
  invalid_org_number: { status: 400, message: 'Not a valid Swedish organisationsnummer (NNNNNN-NNNN with a correct check digit).' },
  invalid_payload: { status: 400, message: 'The webhook payload could not be understood; it has been kept for inspection.' },
  invalid_cursor: { status: 400, message: 'The pagination cursor is not valid.' },
  unauthorized: { status: 401, message: 'Authentication is required.' },
  invalid_signature: { status: 401, message: 'The webhook signature is missing or does not match.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  merchant_mismatch: { status: 403, message: 'The payload belongs to a different merchant or location than this connection.' },
  not_found: { status: 404, message: 'Not found.' },
  route_not_found: { status: 404, message: 'No such endpoint.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  request_timeout: { status: 408, message: 'The request did not arrive in time; send it again.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  org_number_taken: { status: 409, message: 'A business with this organisationsnummer already exists.' },
  connection_disabled: { status: 410, message: 'This POS connection is disabled.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  uri_too_long: { status: 414, message: 'A path parameter in the URL is too long (at most 100 characters).' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.' },
  expectation_failed: { status: 417, message: 'Only "Expect: 100-continue" is supported.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  headers_too_large: { status: 431, message: 'The request line and headers are too large.' },
  invalid_amount: { status: 400, message: 'Enter the amount as on the receipt, e.g. 123.50, 123,50 or 123.' },
  invalid_purchase_time: { status: 400, message: 'Enter the time of purchase as HH:MM or an ISO 8601 instant.' },
  invalid_phone: { status: 400, message: 'Enter a Swedish mobile number, e.g. 070-123 45 67.' },
  consent_required: { status: 400, message: 'Accept the current privacy consent (GET /api/v1/consent) to start a feedback session.' },
  invalid_session_token: { status: 401, message: 'This feedback session needs its session token.' },
  session_expired: { status: 410, message: 'This feedback session has expired; scan the QR code again.' },
  session_not_verified: { status: 409, message: 'Verify your purchase before giving feedback.' },
  session_state: { status: 409, message: 'This step is not possible in the session\'s current state.' },
  duplicate_claim: { status: 409, message: 'A claim for this purchase was already made.' },
  // Also the answer for a purchase that exists but is already claimed: a guesser must not tell the two apart.
  no_matching_purchase: { status: 422, message: 'No purchase with that amount and time can be used for feedback here. Check the receipt; if it is right, the purchase may already have been used: ask the staff for the store code and report it there.' },
  claim_outside_window: { status: 422, message: 'The purchase time is outside the window in which feedback can be given.' },
  audio_too_long: { status: 413, message: 'Recordings can be at most 5 minutes long.' },
  unsupported_audio: { status: 415, message: 'Unsupported audio format; use webm, ogg, wav, mp3 or m4a.' },
  too_many_attempts: { status: 429, message: 'Too many attempts; wait a moment and try again.' },
  transcription_failed: { status: 502, message: 'We could not transcribe the recording. Try again or type your feedback.' },
  voice_unavailable: { status: 503, message: 'Voice feedback is not available right now; please type your feedback.' },
  websocket_required: { status: 426, message: 'This endpoint speaks WebSocket only; open it with new WebSocket(...).' },
  tts_unavailable: { status: 503, message: 'Spoken replies are not available; the question is shown as text.' },
  tts_failed: { status: 502, message: 'We could not read the question aloud right now; it is shown as text.' },
  overloaded: { status: 503, message: 'The server is overloaded; retry after the time in Retry-After.' },
  scoring_unavailable: { status: 503, message: 'We could not assess your feedback right now. Please try again in a moment.' },
  invalid_credentials: { status: 401, message: 'The e-mail address or password is wrong.' },
  csrf_failed: { status: 403, message: 'The CSRF token is missing or wrong; reload the page and try again.' },
  invalid_token: { status: 400, message: 'This link is invalid, has expired or has already been used.' },
  weak_password: { status: 400, message: 'Choose a password of at least 12 characters mixing letters with digits or other characters.' },
  last_owner: { status: 409, message: 'A business must keep at least one owner.' },
  banned: { status: 403, message: 'You can no longer give feedback here. If you think this is a mistake, you can appeal.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  not_ready: { status: 503, message: 'The service is not ready.' },
  billing_setting_forbidden: { status: 403, message: 'Commission, commission tiers and VAT are billing settings only the platform operator sets (PATCH /admin/businesses/:businessId/billing).' },
  reward_ceiling_exceeded: { status: 400, message: 'The reward settings go beyond the ceilings the platform set for this business.' },
  account_exists: { status: 409, message: 'An account with this e-mail address already exists: sign in with it, then accept the invitation.' },
  card_last4_required: { status: 422, message: 'Add the last four digits of the card you paid with (they are on the receipt).' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: unknown };
}

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, details: err.details ?? null } };
}

/** At most `max` characters of client input for a message: an error never echoes unbounded input back. */
export function excerpt(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found.`);

/** A unique-constraint violation from either backend (SQLite "UNIQUE constraint failed", PostgreSQL 23505). */
export const isUniqueViolation = (err: unknown): boolean => /unique|duplicate key/i.test(String((err as Error)?.message));
