import { describe, expect, it } from 'vitest';
import { scoreEmbedded } from '../../src/scoring/embedded-scorer.js';
import { CATEGORY_LABELS_SV, FEEDBACK_CATEGORIES } from '../../src/scoring/types.js';
import { cafeContext, contextFor, customer } from './helpers.js';

const categoriesOf = (text: string, context = cafeContext()) => scoreEmbedded({ turns: [customer(text)], context }).categories;

describe('categories', () => {
  it.each([
    ['Lång kö och jag väntade i tjugo minuter.', 'waiting_time'],
    ['We waited in the queue for ages.', 'waiting_time'],
    ['Priset var för högt, 49 kr för en liten kopp.', 'price'],
    ['Too expensive for what you get.', 'price'],
    ['Toaletten var smutsig.', 'cleanliness'],
    ['The tables were sticky and dirty.', 'cleanliness'],
    ['Musiken var för hög och det var trångt.', 'atmosphere'],
    ['Cozy atmosphere but loud music.', 'atmosphere'],
    ['Personalen var trevlig.', 'staff'],
    ['The waiter was rude.', 'staff'],
    ['Svårt att komma in med rullstol, ingen ramp.', 'accessibility'],
    ['No wheelchair access at the entrance.', 'accessibility'],
    ['Bullen var torr och inte färsk.', 'quality'],
    ['Saknar fler veganska alternativ i sortimentet.', 'selection'],
    ['They had a great selection of sizes.', 'selection'],
    ['Servicen var snabb och hjälpsam.', 'service'],
  ])('%s → includes %s', (text, category) => {
    expect(categoriesOf(text)).toContain(category);
  });

  it("counts the business's staff names as staff and what it sells as product", () => {
    expect(categoriesOf('Sara var underbar.')).toContain('staff');
    expect(categoriesOf('Kanelbullarna var goda.')).toContain('product');
  });

  it('ranks the most-mentioned category first', () => {
    expect(categoriesOf('Lång kö, vi väntade länge i kön, väntetiden var lång. Bra pris.')[0]).toBe('waiting_time');
  });

  it("falls back to 'other' for meaningful text and to none for gibberish", () => {
    expect(categoriesOf('Allt var bra, tack!')).toEqual(['other']);
    expect(categoriesOf('asdfgh qwerty zxcvb', contextFor('retail'))).toEqual([]);
  });

  it('has a Swedish label for every category', () => {
    expect(Object.keys(CATEGORY_LABELS_SV).sort()).toEqual([...FEEDBACK_CATEGORIES].sort());
    expect(CATEGORY_LABELS_SV.waiting_time).toBe('Väntetid');
  });
});
