/**
 * Display names for the demo screens. Given and family names are drawn independently from short lists,
 * so a combination belongs to no real person. Given names follow the birth cohort: names that were
 * common in the Netherlands for people born before 1960, in 1960–1989 and from 1990 on. The lists are
 * written for this demo from general knowledge of common Dutch names; they are not a frequency table.
 * Family names include some typical of Twente and the Achterhoek (Nijhuis, Oude Luttikhuis).
 */

import type { Random } from '../../science/index.ts';
import { NAME_ORIGIN_SHARE } from './tables.ts';

type Names = readonly string[];
/** A list written as one string: names separated by " · ", so that family names may contain spaces. */
const list = (names: string): Names => names.split(' · ');

const DUTCH_GIVEN: Record<'female' | 'male', readonly [before1960: Names, before1990: Names, later: Names]> =
  {
    female: [
      list(
        'Maria · Johanna · Cornelia · Hendrika · Geertruida · Wilhelmina · Anna · Gerda · Riet · Truus · Annie · Tiny · Dinie · Gerrie · Bep · Mien',
      ),
      list(
        'Monique · Ingrid · Marieke · Linda · Sandra · Petra · Anja · Esther · Wendy · Karin · Miranda · Saskia · Marloes · Janneke · Ilse · Annemiek',
      ),
      list(
        'Emma · Julia · Sophie · Lotte · Anouk · Fleur · Lisa · Sanne · Femke · Iris · Noa · Tess · Eva · Lieke · Roos · Mila',
      ),
    ],
    male: [
      list(
        'Johannes · Gerrit · Hendrik · Jan · Willem · Cornelis · Albert · Bernard · Theo · Henk · Gerard · Herman · Wim · Harry · Bennie · Arie',
      ),
      list(
        'Marco · Erik · Mark · Patrick · Dennis · Martijn · Jeroen · Richard · Sander · Remco · Bas · Arjan · Wouter · Frank · Rob · Michiel',
      ),
      list(
        'Daan · Sem · Lucas · Jesse · Thijs · Bram · Ruben · Stijn · Luuk · Tim · Niels · Jelle · Milan · Gijs · Finn · Koen',
      ),
    ],
  };

const DUTCH_FAMILY = list(
  'de Jong · Jansen · de Vries · van den Berg · Bakker · Visser · Smit · Meijer · de Boer · Mulder · de Groot · Bos · ' +
    'Vos · Peters · Hendriks · Dekker · Brouwer · Dijkstra · Kok · Jacobs · Nijhuis · Kamphuis · Wolters · Brinkman · ' +
    'ten Brinke · Oude Luttikhuis · Klein Gunnewiek · Wessels · Huisman · Lammers · Bosman · Hofman · Scholten · ' +
    'Leferink · ter Horst · Roelofs · Gerritsen · van der Linden · Hoekstra · Willemsen',
);

const OTHER_ORIGIN_GIVEN: Record<'female' | 'male', Names> = {
  female: list('Fatima · Samira · Yasmina · Elif · Ayşe · Zeynep · Naima · Sevda · Priya · Shanti'),
  male: list('Mohamed · Ahmed · Youssef · Mustafa · Emre · Hakan · Said · Murat · Rachid · Kemal'),
};
const OTHER_ORIGIN_FAMILY = list(
  'El Amrani · Bouzid · Yilmaz · Özdemir · Demir · Kaya · El Idrissi · Aydın · Ramdin · Tahiri',
);

const INTERNATIONAL_GIVEN: Record<'female' | 'male', Names> = {
  female: list('Anna · Maria · Laura · Sarah · Chen · Aisha · Olivia · Katarzyna · Elena · Sofia'),
  male: list('James · David · Luca · Pablo · Wei · Arjun · Thomas · Piotr · Andrei · Mateo'),
};
const INTERNATIONAL_FAMILY = list(
  'Smith · García · Rossi · Nowak · Müller · Wang · Kumar · Popescu · Silva · Johnson',
);

const cohort = (birthYear: number) => (birthYear < 1960 ? 0 : birthYear < 1990 ? 1 : 2);

/** A given and a family name for a citizen of this sex, birth year and locale. */
export function drawName(
  random: Random,
  sex: 'female' | 'male',
  birthYear: number,
  locale: 'nl' | 'en',
): { givenName: string; familyName: string } {
  const other =
    locale === 'nl'
      ? random.chance(NAME_ORIGIN_SHARE.dutchLocaleOther)
      : random.chance(NAME_ORIGIN_SHARE.englishLocaleInternational);
  if (!other) {
    return {
      givenName: random.pick(DUTCH_GIVEN[sex][cohort(birthYear)]),
      familyName: random.pick(DUTCH_FAMILY),
    };
  }
  if (locale === 'nl') {
    return { givenName: random.pick(OTHER_ORIGIN_GIVEN[sex]), familyName: random.pick(OTHER_ORIGIN_FAMILY) };
  }
  return { givenName: random.pick(INTERNATIONAL_GIVEN[sex]), familyName: random.pick(INTERNATIONAL_FAMILY) };
}
