/**
 * Polish names and places for the demo data: first names, surnames in their
 * masculine and feminine forms, streets of a small town, villages, and the
 * kinds of businesses a water utility bills.
 */

export const FEMALE_FIRST = [
  'Anna', 'Maria', 'Katarzyna', 'Małgorzata', 'Agnieszka', 'Barbara', 'Ewa', 'Krystyna', 'Elżbieta', 'Zofia',
  'Teresa', 'Magdalena', 'Joanna', 'Janina', 'Monika', 'Danuta', 'Jadwiga', 'Aleksandra', 'Halina', 'Irena',
  'Beata', 'Marta', 'Dorota', 'Karolina', 'Jolanta', 'Iwona', 'Grażyna', 'Natalia', 'Julia', 'Bożena',
  'Urszula', 'Renata', 'Justyna', 'Hanna', 'Paulina', 'Wiesława', 'Agata', 'Izabela', 'Helena', 'Weronika',
];

export const MALE_FIRST = [
  'Piotr', 'Krzysztof', 'Andrzej', 'Tomasz', 'Paweł', 'Jan', 'Michał', 'Marcin', 'Stanisław', 'Jakub',
  'Adam', 'Marek', 'Łukasz', 'Grzegorz', 'Mateusz', 'Wojciech', 'Mariusz', 'Dariusz', 'Zbigniew', 'Jerzy',
  'Henryk', 'Józef', 'Tadeusz', 'Ryszard', 'Kazimierz', 'Rafał', 'Bartosz', 'Kamil', 'Robert', 'Sławomir',
  'Jacek', 'Dawid', 'Szymon', 'Zdzisław', 'Mirosław', 'Bogdan', 'Leszek', 'Artur', 'Kacper', 'Wiesław',
];

/** Surnames as [masculine, feminine] (an adjective-like -ski becomes -ska). */
export const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['Nowak', 'Nowak'], ['Kowalski', 'Kowalska'], ['Wiśniewski', 'Wiśniewska'], ['Wójcik', 'Wójcik'],
  ['Kowalczyk', 'Kowalczyk'], ['Kamiński', 'Kamińska'], ['Lewandowski', 'Lewandowska'], ['Zieliński', 'Zielińska'],
  ['Szymański', 'Szymańska'], ['Woźniak', 'Woźniak'], ['Dąbrowski', 'Dąbrowska'], ['Kozłowski', 'Kozłowska'],
  ['Jankowski', 'Jankowska'], ['Mazur', 'Mazur'], ['Kwiatkowski', 'Kwiatkowska'], ['Krawczyk', 'Krawczyk'],
  ['Piotrowski', 'Piotrowska'], ['Grabowski', 'Grabowska'], ['Nowakowski', 'Nowakowska'], ['Pawłowski', 'Pawłowska'],
  ['Michalski', 'Michalska'], ['Nowicki', 'Nowicka'], ['Adamczyk', 'Adamczyk'], ['Dudek', 'Dudek'],
  ['Zając', 'Zając'], ['Wieczorek', 'Wieczorek'], ['Jabłoński', 'Jabłońska'], ['Król', 'Król'],
  ['Majewski', 'Majewska'], ['Olszewski', 'Olszewska'], ['Jaworski', 'Jaworska'], ['Wróbel', 'Wróbel'],
  ['Malinowski', 'Malinowska'], ['Pawlak', 'Pawlak'], ['Witkowski', 'Witkowska'], ['Walczak', 'Walczak'],
  ['Stępień', 'Stępień'], ['Górski', 'Górska'], ['Rutkowski', 'Rutkowska'], ['Michalak', 'Michalak'],
  ['Sikora', 'Sikora'], ['Ostrowski', 'Ostrowska'], ['Baran', 'Baran'], ['Duda', 'Duda'],
  ['Szewczyk', 'Szewczyk'], ['Tomaszewski', 'Tomaszewska'], ['Pietrzak', 'Pietrzak'], ['Marciniak', 'Marciniak'],
  ['Wróblewski', 'Wróblewska'], ['Zalewski', 'Zalewska'], ['Jakubowski', 'Jakubowska'], ['Jasiński', 'Jasińska'],
  ['Zawadzki', 'Zawadzka'], ['Sadowski', 'Sadowska'], ['Bąk', 'Bąk'], ['Chmielewski', 'Chmielewska'],
  ['Włodarczyk', 'Włodarczyk'], ['Borkowski', 'Borkowska'], ['Czarnecki', 'Czarnecka'], ['Sawicki', 'Sawicka'],
  ['Sokołowski', 'Sokołowska'], ['Urbański', 'Urbańska'], ['Kubiak', 'Kubiak'], ['Maciejewski', 'Maciejewska'],
  ['Szczepański', 'Szczepańska'], ['Kucharski', 'Kucharska'], ['Wilk', 'Wilk'], ['Kalinowski', 'Kalinowska'],
  ['Lis', 'Lis'], ['Mazurek', 'Mazurek'], ['Wysocki', 'Wysocka'], ['Adamski', 'Adamska'],
  ['Kaźmierczak', 'Kaźmierczak'], ['Wasilewski', 'Wasilewska'], ['Sobczak', 'Sobczak'], ['Czerwiński', 'Czerwińska'],
  ['Andrzejewski', 'Andrzejewska'], ['Cieślak', 'Cieślak'], ['Głowacki', 'Głowacka'], ['Zakrzewski', 'Zakrzewska'],
];

/** Streets of a small Polish town, in the order a reader might walk them. */
export const TOWN_STREETS = [
  'ul. Rynek', 'ul. Kościelna', 'ul. Mickiewicza', 'ul. Kościuszki', 'ul. Sienkiewicza', 'ul. 3 Maja',
  'ul. Młyńska', 'ul. Wodna', 'ul. Nadrzeczna', 'ul. Lipowa', 'ul. Klonowa', 'ul. Słoneczna', 'ul. Polna',
  'ul. Leśna', 'ul. Szkolna', 'ul. Ogrodowa', 'ul. Kwiatowa', 'ul. Łąkowa', 'ul. Brzozowa', 'ul. Dębowa',
  'ul. Jana Pawła II', 'ul. Piłsudskiego', 'ul. Kolejowa', 'ul. Zielona', 'ul. Krótka', 'ul. Długa',
  'ul. Spacerowa', 'ul. Wiśniowa', 'ul. Jaśminowa', 'ul. Różana', 'ul. Akacjowa', 'ul. Cicha', 'ul. Parkowa',
  'ul. Targowa', 'ul. Strażacka', 'ul. Rzemieślnicza', 'ul. Przemysłowa', 'ul. Żeromskiego', 'ul. Konopnickiej',
  'ul. Reymonta', 'ul. Słowackiego', 'ul. Chopina', 'ul. Moniuszki', 'ul. Orzeszkowej', 'ul. Prusa',
  'ul. Świerkowa', 'ul. Sosnowa', 'ul. Jarzębinowa', 'ul. Kasztanowa', 'ul. Topolowa', 'pl. Wolności',
  'al. Niepodległości', 'ul. Ogrody', 'ul. Źródlana', 'ul. Stawowa',
];

/** Streets typical of a village (fewer, plainer). */
export const VILLAGE_STREETS = [
  'ul. Główna', 'ul. Polna', 'ul. Leśna', 'ul. Szkolna', 'ul. Kościelna', 'ul. Ogrodowa', 'ul. Łąkowa',
  'ul. Spacerowa', 'ul. Lipowa', 'ul. Krótka', 'ul. Słoneczna', 'ul. Wiejska', 'ul. Sadowa', 'ul. Zagrodowa',
  'ul. Pogodna', 'ul. Klonowa', 'ul. Brzozowa', 'ul. Strażacka', 'ul. Kwiatowa', 'ul. Akacjowa',
];

/** Blocks of flats managed by housing communities. */
export const ESTATE_STREETS = ['os. Słoneczne', 'os. Kopernika', 'os. Młodych', 'ul. Osiedlowa', 'os. Zielone'];

export const VILLAGES = [
  'Stara Wieś', 'Nowa Wieś', 'Zalesie', 'Borki', 'Dąbrówka', 'Podlesie', 'Górki', 'Olszyny', 'Wólka',
  'Zagórze', 'Brzeziny', 'Józefów', 'Karolin', 'Lipniki', 'Michałowo', 'Niwki', 'Ostrów', 'Pniewo',
  'Radomin', 'Sośnica', 'Topola', 'Wierzbica', 'Zawady', 'Żabieniec', 'Bukowiec', 'Chojnice Małe',
  'Dębina', 'Grabówka', 'Jabłonna', 'Kamionka', 'Lubomierz', 'Łęg', 'Mokre', 'Orzechowo', 'Piaski',
  'Rudka', 'Sitno', 'Trzcianka', 'Wola Wodna', 'Zdroje',
];

/** Small businesses: [name pattern (SURNAME, FIRST are replaced), tariff group]. */
export const BUSINESS_KINDS: ReadonlyArray<readonly [string, 'G2' | 'G3']> = [
  ['Piekarnia „Kłos” FIRST SURNAME', 'G2'],
  ['Zakład Fryzjerski FIRST SURNAME', 'G2'],
  ['Sklep Spożywczy „Pod Lipami” FIRST SURNAME', 'G2'],
  ['Usługi Remontowo-Budowlane FIRST SURNAME', 'G2'],
  ['Warsztat Samochodowy SURNAME s.c.', 'G2'],
  ['Myjnia Samochodowa „Perła” FIRST SURNAME', 'G2'],
  ['Gabinet Stomatologiczny lek. dent. FIRST SURNAME', 'G2'],
  ['Restauracja „Nad Stawem” Sp. z o.o.', 'G2'],
  ['Apteka „Pod Orłem” SURNAME Sp.j.', 'G2'],
  ['Kwiaciarnia „Róża” FIRST SURNAME', 'G2'],
  ['Gospodarstwo Ogrodnicze FIRST SURNAME', 'G2'],
  ['Pensjonat „Pod Dębem” FIRST SURNAME', 'G2'],
  ['Ferma Drobiu SURNAME Sp. z o.o.', 'G3'],
  ['Mleczarnia „Łąka” Spółdzielnia', 'G3'],
  ['Zakład Przetwórstwa Owoców „Sad” Sp. z o.o.', 'G3'],
  ['Browar Rzemieślniczy SURNAME Sp. z o.o.', 'G3'],
  ['Masarnia SURNAME i Synowie Sp.j.', 'G3'],
];

export const PUBLIC_BODIES = [
  'Szkoła Podstawowa nr 1 im. Marii Konopnickiej',
  'Przedszkole Samorządowe „Kubuś”',
  'Urząd Miejski',
  'Gminny Ośrodek Kultury',
  'Ośrodek Zdrowia',
  'Ochotnicza Straż Pożarna',
  'Biblioteka Publiczna',
  'Hala Sportowa MOSiR',
];

/** Polish letters → ASCII, for e-mail addresses. */
export function asciiFold(s: string): string {
  const map: Record<string, string> = { ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z' };
  return s.toLowerCase().replace(/[ąćęłńóśźż]/g, (c) => map[c]).replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
}
