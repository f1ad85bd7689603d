car(k1).
car(k2).
car(k3).
gearval(low).
gearval(mid).
gearval(high).
gearval(bogus).
