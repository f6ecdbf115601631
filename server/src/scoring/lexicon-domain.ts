import type { BusinessType } from './types.js';

/**
  * Domain vocabulary (Swedish + English) for concreteness and relevance. Products are split by
  * business type so that "latte" is strong evidence at a café and weaker evidence at a clothes
  * shop; everything here is generic retail/food vocabulary, never text from the eval set.
  */
const words = (s: string) => s.split(/\s+/).filter(Boolean);

export const PRODUCTS_BY_TYPE: Record<BusinessType, string[]> = {
  grocery: words(`mjölk mjölken bröd brödet frukt frukten grönsaker grönt kött köttet fisk ost osten ägg
  smör pasta ris godis lösvikt chips läsk glass fryst mejeri bageri färdigrätt färdigrätter lasagne
  tomater tomat bananer banan äpplen äpple avokado avokadon sallad gurka paprika potatis lök
  jordgubbar bär kryddor konserver grädde yoghurt fil juice blommor lax torsk kyckling
  korv skinka flaskor pant glutenfritt laktosfri havremjölk fläsk köttfärs mjöl socker havregryn müsli vatten diskmedel toapapper kaffebröd knäckebröd ost
  milk bread fruit fruits vegetables veg meat fish cheese eggs butter pasta rice sweets candy crisps
  soda frozen dairy bakery apples apple bananas tomatoes herbs
  curry chicken salmon flowers oat groceries ready meals cartons yogurt juice spices`),
  cafe: words(`kaffe kaffet latte latten cappuccino espresso te teet bulle bullar bullen kanelbulle
  kardemummabulle kaka kakor kakan tårta smörgås smörgåsen smörgåsar macka fika mjölkskum havremjölk
  bönor bönorna kopp muffins scones wienerbröd semla macchiato cortado chokladbollar smoothie croissant choklad bakverk flat white chai
  sallad soppa juice dryck drycker
  coffee cappuccino espresso tea chai bun buns cake cakes pastry pastries sandwich croissant muffin
  cookie cookies beans cup mug foam hot chocolate filter brew brewed scone drink drinks
  `),
  restaurant: words(`mat maten rätt rätten rätter förrätt varmrätt varmrätter huvudrätt efterrätt
  efterrätten dessert meny menyn lunch middag buffé buffén sallad portion portioner kök köket vin
  vinet öl dryck drycker tallrik tallrikar soppa fisksoppa biff lax torsk räkor skaldjur pasta potatis
  pommes korv lamm lammet hamburgare pizza sushi schnitzel köttbullar pannbiff oxfilé entrecote kyckling tacos ramen nudlar svamp notan dricks
  food dish dishes starter starters main course dessert menu dinner buffet salad portion kitchen
  wine beer drink drinks plate soup steak salmon cod shrimp seafood burger fries risotto
  onion chips`),
  retail: words(`kläder plagg jeans jeansen byxor tröja tröjor skjorta skjortor klänning jacka jackan
  jackor vinterjacka skor sko skorna storlek storlekar väska väskan väskor accessoarer
  rea retur returen returer byte prislapp prislappar märke modell passform tyg material kostym
  slips strumpor kjol shorts mössa halsduk bälte sneakers kavaj blazer hoodie underkläder
  clothes clothing jeans trousers pants shirt shirts dress dresses jacket jackets coat shoes shoe
  sizes fitting accessories refund exchange receipt brand fabric suit leather bag bags skirt hat scarf belt sneakers boots blazer hoodie socks
  `),
};

/** Where in the store something happened. */
export const PLACES = words(`kassan kassa kassor kassorna disken disk toaletten toalett toa hyllan hylla
  hyllor hyllorna gångarna ingången entrén entré utgången parkering parkeringen provrum provrummet
  provrummen självscanning självscanningen självkassa självkassan kyldisk kyldisken frysdisk
  köttdisk köttdisken fiskdisk fiskdisken bageriet uteservering uteserveringen terrass terrassen
  fönsterbord fönsterbordet fönstret baren matsal matsalen lokal lokalen lager lagret avdelning
  avdelningen pantmaskin pantmaskinen dörren
  bottle return
  checkout checkouts counter restroom toilet bathroom aisle aisles shelf shelves entrance exit
  parking self-checkout self-checkouts terrace patio window bar door section department
  fridge freezer`);

export const STAFF_ROLES = words(`kassörska kassörskan kassör kassören servitör servitören servitris
  servitrisen servitörerna barista baristan expedit expediten säljare säljaren kock kocken butikschef
  ägaren killen tjejen
  waiter waitress waiters cashier barista chef manager server owner bartender`);

/** Sensory or physical descriptors: small but real evidence of having been there. */
export const DESCRIPTORS = words(`ljummen kall kallt varm varmt het torr torrt bränd krispig mjuk seg
  salt söt besk bitter sur fet blöt mogen mogna mört kladdig kladdigt
  lukewarm cold hot dry burnt crispy soggy chewy salty sweet bitter sour greasy stale ripe moldy
  mouldy sticky tender juicy bland fluffy rich moist tangy warm medium rare
  vegansk veganska veganskt vegetarisk vegetariska vegetariskt glutenfri glutenfria glutenfritt
  laktosfri laktosfria ekologisk ekologiska vegan vegetarian gluten-free dairy-free lactose-free`);

/** Words that tie a text to any shop, café or restaurant visit. */
export const STORE_TERMS = words(`butik butiken affär affären café caféet kafé restaurang restaurangen
  ställe stället handla handlade handling köpte köpa beställde beställning besök besöket kund kunder
  personal personalen kvitto bord borden service servicen
  store shop shopping cafe café restaurant visit bought buy ordered order customer customers staff
  receipt table tables service`);

/** Times of day / days (as words) that anchor a visit. Regex forms live in details.ts. */
export const TIME_WORDS = words(`måndag tisdag onsdag torsdag fredag lördag söndag måndags tisdags
  onsdags torsdags fredags lördags söndags morse förmiddag förmiddags förmiddagen eftermiddag
  eftermiddags eftermiddagen eftermiddagarna kväll kvällen kvällar lunch lunchtid lunchrusningen
  lunchrusning helg helgen helger helgerna morgon morgonen morgnar igår
  monday tuesday wednesday thursday friday saturday sunday morning afternoon evening evenings
  lunchtime yesterday tonight weekend noon rush`);

/** Template boilerplate and placeholders that reveal pasted or generated text. */
export const TEMPLATE_PATTERNS: RegExp[] = [
  /lorem ipsum/i,
  /\[(?:namn|name|företag|business|produkt|product|datum|date|insert)[^\]]*\]/i,
  /\{\{?\s*[a-z_]+\s*\}?\}/i,
  /<insert[^>]*>/i,
  /\bas an ai (?:language )?model\b/i,
  /\bsom en ai(?:-| )?(?:språk)?modell\b/i,
  /\bi highly recommend this (?:business|company) to everyone\b/i,
  /\bjag rekommenderar verkligen detta företag till alla\b/i,
];

export const SPAM_PHRASES = [
  'klicka här', 'click here', 'köp nu', 'buy now', 'boka nu', 'book now', 'vinn en', 'win a',
  'you have won', 'du har vunnit', 'free bitcoin', 'bitcoin', 'crypto', 'followers', 'följ mig',
  'follow me', 'rabattkod', 'promo code', 'earn money', 'tjäna pengar', 'casino', 'instagram',
  'telegram', 'whatsapp', 'congratulations', 'grattis du', 'check out my', 'kolla in min',
];
