import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamToken } from '../../src/feedback/voice-stream-routes.js';
import { speechLanguage } from '../../src/feedback/voice-stream-speech.js';

const tokenChars = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 1, maxLength: 64 });

describe('streamToken', () => {
  it('reads the token from the subprotocol list a browser sends, in any position', () => {
    fc.assert(
      fc.property(tokenChars, fc.boolean(), (token, tokenFirst) => {
        const list = tokenFirst ? `kvittra.token.${token}, kvittra.voice.v1` : `kvittra.voice.v1, kvittra.token.${token}`;
        expect(streamToken({ headers: { 'sec-websocket-protocol': list } })).toBe(token);
      }),
    );
  });

  it('prefers Authorization, then X-Session-Token, then the subprotocol', () => {
    const protocol = { 'sec-websocket-protocol': 'kvittra.voice.v1, kvittra.token.fromprotocol' };
    expect(streamToken({ headers: { authorization: 'Bearer fromheader', ...protocol } })).toBe('fromheader');
    expect(streamToken({ headers: { 'x-session-token': 'fromx', ...protocol } })).toBe('fromx');
    expect(streamToken({ headers: protocol })).toBe('fromprotocol');
    expect(streamToken({ headers: { 'sec-websocket-protocol': 'kvittra.voice.v1, kvittra.token.' } })).toBeUndefined();
    expect(streamToken({ headers: {} })).toBeUndefined();
  });

  it('property: any protocol header yields no token or one without separators, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        const token = streamToken({ headers: { 'sec-websocket-protocol': header } });
        if (token !== undefined) expect(token).not.toMatch(/[,]/);
      }),
    );
  });
});

describe('speechLanguage', () => {
  it('reads a question in the language it is written in, whatever the session locale', () => {
    expect(speechLanguage('Vad tyckte du om kaffet och kanelbullen?', 'en')).toBe('sv');
    expect(speechLanguage('What did you think of the coffee and the service?', 'sv')).toBe('en');
  });

  it('falls back to the session locale when the language cannot be told', () => {
    expect(speechLanguage('OK?', 'en')).toBe('en');
    expect(speechLanguage('OK?', 'sv')).toBe('sv');
    expect(speechLanguage('OK?', 'de')).toBe('sv');
  });
});
