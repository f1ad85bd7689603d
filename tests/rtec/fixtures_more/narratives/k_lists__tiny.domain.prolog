lamp(l1).
lamp(l2).
lamp(l3).
