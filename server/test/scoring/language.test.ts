import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/scoring/language.js';

describe('detectLanguage', () => {
  it.each([
    ['Kaffet var gott men det var lång kö vid kassan.', 'sv'],
    ['Personalen var jättetrevlig och hjälpte mig att hitta rätt storlek.', 'sv'],
    ['Bra butik!', 'sv'],
    ['The coffee was good but the queue at the counter was long.', 'en'],
    ['Great store!', 'en'],
    ['I waited ten minutes and nobody came to take my order.', 'en'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('uses å/ä/ö as Swedish evidence', () => {
    expect(detectLanguage('Smörgåsen, kåldolmar och köttbullar')).toBe('sv');
  });

  it.each(['', '12345 !!!', 'Das Essen war sehr lecker und günstig', 'asdf qwer zxcv', 'Lorem ipsum dolor sit amet'])(
    'returns other without enough evidence: %j',
    (text) => {
      expect(detectLanguage(text)).toBe('other');
    },
  );
});
