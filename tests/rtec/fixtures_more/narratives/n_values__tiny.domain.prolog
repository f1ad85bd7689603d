grp(g1).
grp(g2).
grp(g3).
room(r1).
room(r2).
room(r3).
tagged(r1).
tagged(r3).
