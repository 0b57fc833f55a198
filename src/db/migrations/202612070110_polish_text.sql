-- Polish search and order, the same on PGlite (no ICU, C locale: lower()
-- leaves Ł and Ś alone) and on a PostgreSQL server whatever its locale.
--
-- pl_fold: lower case without diacritics, for search that does not mind
-- Polish letters ("Wisniewski" finds "Wiśniewski", "LODZ" finds "Łódź").
create or replace function pl_fold(t text) returns text
  language sql immutable parallel safe
  return translate(lower(t), 'ĄĆĘŁŃÓŚŹŻąćęłńóśźżÄÖÜÉÈÁÍÚÝČŘŠŽĚäöüéèáíúýčřšžě', 'acelnoszzacelnoszzaoueeaiuycrszeaoueeaiuycrsze');

-- pl_sort_key: the Polish alphabet (a ą b c ć d e ę … l ł … z ź ż) mapped onto
-- code points in that order, so that `order by pl_sort_key(x) collate "C"`
-- sorts Ł after L (not after Z) and Ś after S on either engine; case is
-- ignored, digits and spaces come before letters.
create or replace function pl_sort_key(t text) returns text
  language sql immutable parallel safe
  return translate(translate(lower(t), 'ĄĆĘŁŃÓŚŹŻ', 'ąćęłńóśźż'),
                   'aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż',
                   'ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abc');

create index customers_polish_order on customers (utility_id, (pl_sort_key(name) collate "C"), id);
