/**
 * Swedish word lists for the embedded scorer. Lower-case, NFC. Lists of inflected forms are
 * explicit because Swedish morphology is too rich for naive suffix stripping to be safe.
 */

/** Function words: language evidence and the "not content" filter. */
export const SV_STOPWORDS = new Set(
  `och att det som en ett den de är var på i för med av till inte om har hade jag vi du ni han hon
  man sig sin sitt sina min mitt mina mig oss vår vårt våra er ert era dem deras hans hennes dess
  så men eller när där här vad vem vilken vilket vilka hur varför kan kunde ska skulle vill ville
  måste bör borde får fick blir blev vara varit bli bara också även mycket lite mer mest mindre
  redan nu då sedan efter innan före under över mellan utan från hos vid mot genom kring runt
  alla allt inget ingen inga något någon några varje denna detta dessa samma andra annan annat
  ju väl nog ganska rätt väldigt jätte lika än ut upp in ner fram hem igen också dock kanske
  ja nej tack hej typ liksom alltså eh öh ba`.split(/\s+/).filter(Boolean),
);

/** Common Swedish content words (dictionary evidence for gibberish and language detection). */
export const SV_COMMON = new Set(
  `butik butiken affär affären ställe stället besök besöket gång gången dag dagen idag igår
  tid tiden kund kunder kunden personal personalen handla handlade köpa köpte köper beställa
  beställde beställning betala betalade kostar kostade fungerade fungerar hitta hittade letade
  väntade vänta väntan kom gick stod satt tog såg märkte frågade fick åt drack provade testade
  tycker tyckte känns kändes verkar verkade hjälpte hjälp gjorde gör sa sade säger berätta
  upplevelse upplevde intryck känsla sak saker plats platser bord borden stol stolar dörr dörren
  lapp skylt skylten pris priser priset kvalitet kvaliteten service servicen mat maten kaffe
  kaffet vecka veckan helg helgen morgon kväll kvällen lunch middag minuter timme timmar
  kommer tillbaka rekommenderar rekommenderas väntetid storlek storleken gånger först sist
  lång långt kort stor stort liten litet små ny nytt nya gammal gammalt hela helt halva
  ordning problem fel rätt förslag önskar önskan saknade saknas saknar finns fanns`.split(/\s+/).filter(Boolean),
);

/** Sentiment weights −3..3. Inflections listed explicitly. */
export const SV_SENTIMENT: Record<string, number> = {
  bra: 2, jättebra: 3, superbra: 3, kanonbra: 3, toppen: 3, topp: 2, utmärkt: 3, utmärkta: 3,
  fantastisk: 3, fantastiskt: 3, fantastiska: 3, underbar: 3, underbart: 3, underbara: 3,
  perfekt: 3, perfekta: 3, härlig: 2, härligt: 2, härliga: 2, trevlig: 2, trevligt: 2,
  trevliga: 2, mysig: 2, mysigt: 2, mysiga: 2, god: 2, gott: 2, goda: 2, jättegott: 3,
  fin: 1, fint: 1, fina: 1, snygg: 1, snyggt: 1, snabb: 1, snabbt: 1, snabba: 1, smidig: 2,
  smidigt: 2, smidiga: 2, vänlig: 2, vänligt: 2, vänliga: 2, hjälpsam: 2, hjälpsamt: 2,
  hjälpsamma: 2, fräsch: 2, fräscht: 2, fräscha: 2, färsk: 1, färska: 1, ren: 1, rent: 1,
  rena: 1, välkomnande: 2, välkomna: 1, prisvärd: 2, prisvärt: 2, prisvärda: 2,
  rekommenderar: 2, rekommenderas: 2, nöjd: 2, nöjda: 2, glad: 2, glada: 2, uppskattade: 2,
  uppskattar: 2, älskar: 3, bäst: 3, bästa: 3, grym: 3, grymt: 3, smakrik: 2, smakrikt: 2,
  professionell: 2, professionellt: 2, tillmötesgående: 2, effektiv: 1, effektivt: 1,
  lugn: 1, lugnt: 1, imponerad: 2, imponerande: 2, okej: 1, ok: 1, schysst: 2, trygg: 1,
  tryggt: 1, magiskt: 3, magisk: 3, generös: 2, generöst: 2, smart: 1, värt: 1, värd: 1,
  förstående: 2, mört: 1, krispig: 1, välorganiserad: 2, välsorterad: 2, välfylld: 1,
  dålig: -2, dåligt: -2, dåliga: -2, sämre: -1, sämst: -3, sämsta: -3, tråkig: -1,
  tråkigt: -2, tråkiga: -1, långsam: -2, långsamt: -2, otrevlig: -2, otrevligt: -2,
  otrevliga: -2, oförskämd: -3, oförskämt: -3, smutsig: -2, smutsigt: -2, smutsiga: -2,
  äcklig: -3, äckligt: -3, ljummen: -1, ljumma: -1, torr: -1, torrt: -1, bränd: -2,
  dyr: -1, dyrt: -1, dyra: -1, trasig: -2, trasigt: -2, trasiga: -2, krånglade: -2,
  krånglar: -2, besviken: -2, besvikna: -2, irriterad: -2, irriterande: -2, missnöjd: -2,
  problem: -1, synd: -1, tyvärr: -1, sur: -1, rörig: -1, rörigt: -1, röriga: -1,
  trång: -1, trångt: -1, trånga: -1, mögel: -2, ofräsch: -2, ofräscht: -2, hemsk: -3,
  hemskt: -3, värdelös: -3, värdelöst: -3, katastrof: -3, usel: -3, uselt: -3, stressad: -1,
  stressigt: -1, ostädat: -2, ostädad: -2, kladdigt: -1, kladdiga: -1, slitna: -1,
  grumligt: -1, högljutt: -1, förstördes: -2, klaga: -1, fel: -1, glömde: -1, krångel: -1,
  onödig: -1, jobbigt: -1, frustrerande: -2, skit: -2, minuset: -1, nackdelen: -1,
  konstigt: -1, besk: -1,
};

export const SV_NEGATORS = new Set(['inte', 'ej', 'aldrig', 'ingen', 'inget', 'inga', 'knappast', 'utan']);
export const SV_INTENSIFIERS = new Set(['mycket', 'väldigt', 'otroligt', 'riktigt', 'extremt', 'verkligen', 'sjukt', 'helt', 'så', 'jätte', 'super', 'alldeles']);
/** Compound prefixes that intensify the word they are glued to ("jättegod", "supertrevlig"). */
export const SV_INTENSIFIER_PREFIXES = ['jätte', 'super', 'mega', 'sjukt', 'skit', 'kanon'];

export const SV_FIRST_PERSON = new Set(['jag', 'vi', 'min', 'mitt', 'mina', 'mig', 'oss', 'vår', 'vårt', 'våra']);
/** Past-tense verbs that narrate a lived visit. */
export const SV_EXPERIENCE_VERBS = new Set(
  `köpte beställde fick åt drack väntade frågade provade testade handlade hittade besökte satt
  stod betalade kom gick bad letade returnerade bokade tog märkte upplevde såg hade ville
  behövde skulle tittade pratade påpekade lämnade hämtade valde`.split(/\s+/).filter(Boolean),
);

/** Words and phrases that give a reason or a contrast ("eftersom", "men"). */
export const SV_REASON_MARKERS = [
  'eftersom', 'därför', 'pga', 'på grund av', 'för att', 'så att', 'vilket', 'men', 'dock',
  'trots', 'däremot', 'medan', 'annars', 'det beror på', 'tack vare', 'så jag', 'så vi',
];

export const SV_SUGGESTION_PHRASES = [
  'ni borde', 'ni bör', 'ni kan', 'ni kunde', 'ni skulle kunna', 'ni behöver', 'ni får gärna',
  'det vore bra', 'det vore bättre', 'det vore trevligt', 'det vore kul', 'vore bra', 'vore ett bra',
  'det hade varit', 'hade varit bra', 'hade varit bättre', 'skulle hjälpa', 'skulle underlätta',
  'önskar', 'önskemål', 'förslag', 'föreslår', 'tips', 'kanske kan ni', 'kanske ni', 'gärna',
  'skulle vilja', 'se över', 'borde', 'bör ni', 'behöver ni', 'tydligare',
];

/** Imperatives that open a suggestion sentence ("Byt vatten dagligen"). */
export const SV_IMPERATIVES = new Set(
  `byt sänk sätt töm sortera montera erbjud berätta kontrollera värm flytta öppna lägg ställ
  plocka inför anställ skylta märk fyll städa kolla uppdatera testa ha håll visa ta gör
  ändra lägg`.split(/\s+/).filter(Boolean),
);

export const SV_COMPARISON_PHRASES = [
  'jämfört med', 'än förra', 'än vanligt', 'än sist', 'än på', 'än förut', 'brukar', 'vanligtvis',
  'förut', 'förra gången', 'sedan i', 'högre än', 'lägre än', 'bättre än', 'sämre än', 'medan',
];

/** Generic praise/complaint vocabulary: says "how" it was, never "what". */
export const SV_GENERIC_TERMS = new Set(
  `bra jättebra superbra toppen topp super perfekt fint fin fina trevligt trevlig nöjd grymt
  mysigt gott god okej ok utmärkt fantastiskt bäst bästa rekommenderas rekommenderar tack
  dåligt dålig dåliga sämst sämsta tråkigt usel uselt kass skit allt vanligt helt värt
  pengarna klaga kommer tillbaka jättegott superbra`.split(/\s+/).filter(Boolean),
);

export const SV_NUMBER_WORDS = ['en', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio', 'tio', 'elva', 'tolv', 'femton', 'tjugo', 'trettio', 'fyrtio', 'halv', 'några'];
