committee(c1).
committee(c2).
person(p1).
person(p2).
person(p3).
person(p4).
guest(p2).
guest(p4).
