import sys, statistics as st
rows=[l.split() for l in open(sys.argv[1]) if len(l.split())==4]
out={}
for m,p,r,rt in rows:
    try: r=float(r); rt=float(rt)
    except: continue
    ph = 'dear' if rt>=150 else 'cheap'
    out.setdefault((p,ph,m),[]).append(r)
for p in '12':
  for ph in ('cheap','dear'):
    cells=[]
    for m in ('never','adaptive','always'):
      v=out.get((p,ph,m),[])
      if v: cells.append(f"{m} {st.median(v):6.1f} (n={len(v)}, p10 {sorted(v)[len(v)//10]:5.1f})")
    print(f"{p}p {ph:5}: "+" | ".join(cells))
