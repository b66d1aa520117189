#!/usr/bin/env python3
"""Emojify V2 in PyTorch on Unroll's built-in sentences: the same model as core/emojify (frozen embedding of the
vectors, LSTM(128, sequences), Dropout(0.5), LSTM(128) read at each sentence's last known word, Dropout(0.5),
Dense(5); Adam 0.001, batch 32, 50 epochs, unknown words skipped), to compare accuracies (docs/emojify.md), not
numbers to the bit (other initial weights and dropout masks).
    OPENBLAS_CORETYPE=Cooperlake /usr/bin/python3 scripts/refs/emojify_v2_torch.py SEED [VECTORS]
Prints the accuracy on the train, validation, test and negation sets and the label of "not feeling happy".
"""
import pathlib
import csv, sys
import numpy as np
import torch
import torch.nn as nn
torch.set_num_threads(1)
ROOT = pathlib.Path(__file__).resolve().parents[2]
D = str(ROOT / 'resources' / 'data' / 'emojify') + '/'
vf = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / 'resources' / 'data' / 'vectors' / 'builtin-50d.txt')
words=[];vecs=[]
for l in open(vf,encoding='utf8',errors='replace'):
    p=l.rstrip().split(' '); words.append(p[0]); vecs.append(np.array(p[1:],dtype=np.float32))
idx={}
for i,w in enumerate(words): idx.setdefault(w,i+1)
E=np.zeros((len(words)+1,len(vecs[0])),dtype=np.float32); E[1:]=np.stack(vecs)
def load(n):
    r=list(csv.reader(open(D+n)))[1:]; return [x[0] for x in r], np.array([int(x[1]) for x in r])
def enc(X):
    seqs=[[idx[w] for w in s.lower().split() if w in idx] for s in X]
    T=max(max(len(s) for s in seqs),1); out=np.zeros((len(X),T),dtype=np.int64); L=[]
    for i,s in enumerate(seqs): out[i,:len(s)]=s; L.append(len(s))
    return torch.tensor(out), torch.tensor(L)
class M(nn.Module):
    def __init__(s):
        super().__init__(); s.e=nn.Embedding.from_pretrained(torch.tensor(E),freeze=True)
        s.l1=nn.LSTM(E.shape[1],128,batch_first=True); s.l2=nn.LSTM(128,128,batch_first=True); s.d=nn.Dropout(0.5); s.o=nn.Linear(128,5)
    def forward(s,x,L):
        h,_=s.l1(s.e(x)); h=s.d(h); h2,_=s.l2(h)
        last=h2[torch.arange(len(L)),(L-1).clamp(min=0)]*(L>0).float()[:,None]
        return s.o(s.d(last))
seed=int(sys.argv[1]) if len(sys.argv)>1 else 1
torch.manual_seed(seed); np.random.seed(seed)
Xtr,Ytr=load('train.csv'); sets={n:load(n+'.csv') for n in ['train','validation','test','negations']}
m=M(); opt=torch.optim.Adam([p for p in m.parameters() if p.requires_grad],lr=1e-3)
xt,Lt=enc(Xtr); yt=torch.tensor(Ytr)
for ep in range(50):
    m.train(); perm=np.random.permutation(len(Xtr))
    for b in range(0,len(perm),32):
        j=perm[b:b+32]; opt.zero_grad(); loss=nn.functional.cross_entropy(m(xt[j],Lt[j]),yt[j]); loss.backward(); opt.step()
m.eval()
with torch.no_grad():
    r={}
    for n,(X,Y) in sets.items():
        x,L=enc(X); r[n]=(m(x,L).argmax(1).numpy()==Y).mean()
    x,L=enc(['not feeling happy']); nfh=int(m(x,L).argmax(1))
print(seed, ' '.join('%s %.3f'%(k,v) for k,v in r.items()), 'nfh', nfh)
