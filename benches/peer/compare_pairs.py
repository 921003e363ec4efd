#!/usr/bin/env python3
"""compare_pairs.py OURS_COMPARISON_CSV PEER_COMPARISON_CSV: every pair probability of the two
comparison.csv files (P(a better), P(tie), P(b better), P(best)) in binomial standard errors;
prints those beyond 4 and the worst."""
import csv, sys, math
def load(p):
    d={}
    for r in csv.DictReader(open(p)):
        d[(r['metric'],r['strategy_a'],r['strategy_b'])]=r
    return d
a,b=load(sys.argv[1]),load(sys.argv[2])
worst=(0,None)
bad=0
for k in a:
    if k not in b: print("missing",k); continue
    for col in ['p_a_better','p_tie','p_b_better','p_best_a','p_best_b']:
        x,y=float(a[k][col]),float(b[k][col]); n=float(a[k]['n'])
        p=(x+y)/2; se=math.sqrt(max(p*(1-p),1e-12)/n*2)
        z=abs(x-y)/se if se>0 else 0
        if z>worst[0]: worst=(z,(k,col,x,y))
        if z>4: bad+=1; print("beyond 4:",k,col,x,y,"z=%.1f"%z)
print("worst |z| = %.2f %s; %d beyond 4" % (worst[0], worst[1], bad))
sys.exit(1 if bad else 0)
