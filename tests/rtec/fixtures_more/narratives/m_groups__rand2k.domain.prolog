group(g1).
group(g2).
group(g3).
person(p1).
person(p2).
person(p3).
person(p4).
person(p5).
colourval(red).
colourval(blue).
colourval(green).
kind(p1, blue).
kind(p2, red).
kind(p3, green).
kind(p4, red).
kind(p4, blue).
