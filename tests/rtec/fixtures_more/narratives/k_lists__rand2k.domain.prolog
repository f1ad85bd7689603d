lamp(l1).
lamp(l2).
lamp(l3).
lamp(l4).
lamp(l5).
