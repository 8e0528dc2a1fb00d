import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import type { LedgerTransactionInput, Store } from './store.ts'

/**
 * The compliance suite of the `Store` port (the libp2p habit: one suite, every
 * implementation). Each test opens a fresh, empty store and closes it.
 *
 * Documented behaviour the suite pins down:
 * - `listEntries` returns newest first (reverse posting order);
 * - token hashes are matched case-insensitively (hex).
 */
export function runStoreContract(label: string, openFresh: () => Promise<Store>): void {
  async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
    const store = await openFresh()
    try {
      await run(store)
    } finally {
      await store.close()
    }
  }

  describe(`Store contract: ${label}`, () => {
    describe('accounts', () => {
      it('creates an account and reads it back unchanged', () =>
        withStore(async (store) => {
          const before = Date.now()
          const account = await store.createAccount({ name: 'Alice', role: 'buyer' })
          assert.match(account.id, /^acc_[a-z2-7]{20}$/)
          assert.equal(account.name, 'Alice')
          assert.equal(account.role, 'buyer')
          assert.equal(account.payoutAddress, null)
          assert.ok(account.createdAt.getTime() >= before && account.createdAt.getTime() <= Date.now())
          assert.deepEqual(await store.getAccount(account.id), account)
        }))

      it('stores a payout address given at creation', () =>
        withStore(async (store) => {
          const address = '0x' + 'ab'.repeat(20)
          const account = await store.createAccount({ name: 'Op', role: 'operator', payoutAddress: address })
          assert.equal((await store.getAccount(account.id))?.payoutAddress, address)
        }))

      it('returns undefined for an unknown account', () =>
        withStore(async (store) => {
          assert.equal(await store.getAccount(accountId('acc_unknownunknownunknow')), undefined)
        }))

      it('binds and unbinds a payout address', () =>
        withStore(async (store) => {
          const account = await store.createAccount({ name: 'Op', role: 'operator' })
          const address = '0x' + '0f'.repeat(20)
          await store.setPayoutAddress(account.id, address)
          assert.equal((await store.getAccount(account.id))?.payoutAddress, address)
          await store.setPayoutAddress(account.id, null)
          assert.equal((await store.getAccount(account.id))?.payoutAddress, null)
        }))

      it('refuses to set the payout address of an unknown account with ACCOUNT_NOT_FOUND', () =>
        withStore(async (store) => {
          await assert.rejects(store.setPayoutAddress(accountId('acc_nobody'), null), hasCode('ACCOUNT_NOT_FOUND'))
        }))

      it('stores unicode names exactly', () =>
        withStore(async (store) => {
          for (const name of ['Zoë Ωmega', '東京ノード', '🚀🌍 bandwidth', 'e\u0301 (combining)', 'مرحبا', '']) {
            const account = await store.createAccount({ name, role: 'buyer' })
            assert.equal((await store.getAccount(account.id))?.name, name)
          }
        }))

      it('stores SQL-ish strings literally and the tables survive them', () =>
        withStore(async (store) => {
          const name = "x'; DROP TABLE zones;--"
          const account = await store.createAccount({ name, role: 'buyer' })
          assert.equal((await store.getAccount(account.id))?.name, name)
          assert.equal((await store.createAccount({ name: 'after', role: 'buyer' })).name, 'after')
        }))
    })

    describe('API tokens', () => {
      it('finds the account of a token hash, case-insensitively', () =>
        withStore(async (store) => {
          const account = await store.createAccount({ name: 'Alice', role: 'buyer' })
          const hash = sha256Hex('token-1')
          await store.addApiToken(account.id, hash)
          assert.deepEqual(await store.findAccountByTokenHash(hash), account)
          assert.deepEqual(await store.findAccountByTokenHash(hash.toUpperCase()), account)
          assert.equal(await store.findAccountByTokenHash(sha256Hex('token-2')), undefined)
        }))

      it('keeps several tokens per account', () =>
        withStore(async (store) => {
          const account = await store.createAccount({ name: 'Alice', role: 'buyer' })
          await store.addApiToken(account.id, sha256Hex('a'))
          await store.addApiToken(account.id, sha256Hex('b'))
          assert.equal((await store.findAccountByTokenHash(sha256Hex('a')))?.id, account.id)
          assert.equal((await store.findAccountByTokenHash(sha256Hex('b')))?.id, account.id)
        }))

      it('treats adding the same token to the same account again as a no-op', () =>
        withStore(async (store) => {
          const account = await store.createAccount({ name: 'Alice', role: 'buyer' })
          await store.addApiToken(account.id, sha256Hex('a'))
          await store.addApiToken(account.id, sha256Hex('a'))
          assert.equal((await store.findAccountByTokenHash(sha256Hex('a')))?.id, account.id)
        }))

      it('never moves a token hash to another account (TOKEN_HASH_TAKEN)', () =>
        withStore(async (store) => {
          const alice = await store.createAccount({ name: 'Alice', role: 'buyer' })
          const mallory = await store.createAccount({ name: 'Mallory', role: 'buyer' })
          await store.addApiToken(alice.id, sha256Hex('a'))
          await assert.rejects(store.addApiToken(mallory.id, sha256Hex('a')), hasCode('TOKEN_HASH_TAKEN'))
          assert.equal((await store.findAccountByTokenHash(sha256Hex('a')))?.id, alice.id)
        }))

      it('refuses a token for an unknown account with ACCOUNT_NOT_FOUND', () =>
        withStore(async (store) => {
          await assert.rejects(store.addApiToken(accountId('acc_nobody'), sha256Hex('a')), hasCode('ACCOUNT_NOT_FOUND'))
          assert.equal(await store.findAccountByTokenHash(sha256Hex('a')), undefined)
        }))
    })

    describe('ledger', () => {
      it('applies a balanced transaction and derives both balances', () =>
        withStore(async (store) => {
          assert.deepEqual(await store.postTransaction(transfer('tx-1', 'system:grants', 'buyer:a', 500n)), { status: 'applied' })
          assert.equal(await store.getBalance('buyer:a'), 500n)
          assert.equal(await store.getBalance('system:grants'), -500n)
          assert.equal(await store.getBalance('buyer:nobody'), 0n)
        }))

      it('applies a transaction of more than two entries', () =>
        withStore(async (store) => {
          await store.postTransaction({
            id: 'split',
            kind: 'usage',
            entries: [
              { ledgerAccount: 'buyer:a', amount: -100n },
              { ledgerAccount: 'operator:o:pending', amount: 70n },
              { ledgerAccount: 'system:revenue', amount: 30n },
            ],
          })
          assert.equal(await store.getBalance('buyer:a'), -100n)
          assert.equal(await store.getBalance('operator:o:pending'), 70n)
          assert.equal(await store.getBalance('system:revenue'), 30n)
        }))

      it('refuses unbalanced, single-entry and empty transactions with LEDGER_UNBALANCED and writes nothing', () =>
        withStore(async (store) => {
          const unbalanced = { id: 'bad', kind: 'test', entries: [{ ledgerAccount: 'x', amount: 5n }, { ledgerAccount: 'y', amount: -4n }] }
          await assert.rejects(store.postTransaction(unbalanced), hasCode('LEDGER_UNBALANCED'))
          await assert.rejects(store.postTransaction({ id: 'one', kind: 'test', entries: [{ ledgerAccount: 'x', amount: 0n }] }), hasCode('LEDGER_UNBALANCED'))
          await assert.rejects(store.postTransaction({ id: 'none', kind: 'test', entries: [] }), hasCode('LEDGER_UNBALANCED'))
          assert.equal(await store.getBalance('x'), 0n)
          assert.deepEqual(await store.listEntries('x'), [])
          // A refused id was not consumed: the corrected transaction still applies.
          assert.deepEqual(await store.postTransaction(transfer('bad', 'y', 'x', 5n)), { status: 'applied' })
          assert.equal(await store.getBalance('x'), 5n)
        }))

      it('refuses an amount beyond 78 digits with AMOUNT_OUT_OF_RANGE', () =>
        withStore(async (store) => {
          await assert.rejects(store.postTransaction(transfer('huge', 'a', 'b', 10n ** 78n)), hasCode('AMOUNT_OUT_OF_RANGE'))
          assert.deepEqual(await store.postTransaction(transfer('largest', 'a', 'b', 10n ** 78n - 1n)), { status: 'applied' })
          assert.equal(await store.getBalance('b'), 10n ** 78n - 1n)
        }))

      it('applies a transaction id once: a second post is a duplicate and changes nothing', () =>
        withStore(async (store) => {
          await store.postTransaction(transfer('once', 'system:grants', 'buyer:a', 10n))
          assert.deepEqual(await store.postTransaction(transfer('once', 'system:grants', 'buyer:a', 10n)), { status: 'duplicate' })
          // Even with different entries, the id decides.
          assert.deepEqual(await store.postTransaction(transfer('once', 'system:grants', 'buyer:b', 99n)), { status: 'duplicate' })
          assert.equal(await store.getBalance('buyer:a'), 10n)
          assert.equal(await store.getBalance('buyer:b'), 0n)
          assert.equal((await store.listEntries('buyer:a')).length, 1)
        }))

      it('applies a transaction once when the same id is posted concurrently', () =>
        withStore(async (store) => {
          const results = await Promise.all([1, 2, 3, 4, 5].map(() => store.postTransaction(transfer('race', 'system:grants', 'buyer:a', 7n))))
          assert.equal(results.filter((result) => result.status === 'applied').length, 1)
          assert.equal(results.filter((result) => result.status === 'duplicate').length, 4)
          assert.equal(await store.getBalance('buyer:a'), 7n)
          assert.equal(await store.getBalance('system:grants'), -7n)
        }))

      it('applies every one of many concurrent distinct transactions', () =>
        withStore(async (store) => {
          const count = 20
          const results = await Promise.all(
            Array.from({ length: count }, (_, n) => store.postTransaction(transfer(`tx-${n}`, 'system:grants', 'buyer:a', BigInt(n + 1)))),
          )
          assert.ok(results.every((result) => result.status === 'applied'))
          assert.equal(await store.getBalance('buyer:a'), BigInt((count * (count + 1)) / 2))
        }))

      it('keeps huge balances exact, past 2^64 and 10^30, and negative', () =>
        withStore(async (store) => {
          const big = 10n ** 30n + 1n
          await store.postTransaction(transfer('b1', 'system:mint', 'operator:o', big))
          await store.postTransaction(transfer('b2', 'system:mint', 'operator:o', big))
          for (let n = 0; n < 3; n++) await store.postTransaction(transfer(`c${n}`, 'system:mint', 'wide', 2n ** 63n + 1n))
          await store.postTransaction(transfer('d', 'operator:o', 'tiny', 1n))
          assert.equal(await store.getBalance('operator:o'), 2n * big - 1n)
          assert.equal(await store.getBalance('wide'), 3n * (2n ** 63n + 1n))
          assert.ok((await store.getBalance('wide')) > 2n ** 64n)
          assert.equal(await store.getBalance('system:mint'), -(2n * big + 3n * (2n ** 63n + 1n)))
          assert.equal((await store.listEntries('operator:o')).at(-1)?.amount, big)
        }))

      it('lists entries newest first with their transaction’s kind and memo, honouring the limit', () =>
        withStore(async (store) => {
          await store.postTransaction({ ...transfer('first', 'system:grants', 'buyer:a', 1n), memo: 'welcome grant 🎁' })
          await store.postTransaction(transfer('second', 'system:grants', 'buyer:a', 2n))
          await store.postTransaction(transfer('third', 'buyer:a', 'system:revenue', 3n))
          const entries = await store.listEntries('buyer:a')
          assert.deepEqual(
            entries.map(({ transactionId, kind, memo, ledgerAccount, amount }) => ({ transactionId, kind, memo, ledgerAccount, amount })),
            [
              { transactionId: 'third', kind: 'transfer', memo: null, ledgerAccount: 'buyer:a', amount: -3n },
              { transactionId: 'second', kind: 'transfer', memo: null, ledgerAccount: 'buyer:a', amount: 2n },
              { transactionId: 'first', kind: 'transfer', memo: 'welcome grant 🎁', ledgerAccount: 'buyer:a', amount: 1n },
            ],
          )
          assert.ok(entries.every((entry) => entry.createdAt instanceof Date))
          assert.deepEqual((await store.listEntries('buyer:a', { limit: 2 })).map((entry) => entry.transactionId), ['third', 'second'])
          assert.deepEqual(await store.listEntries('buyer:a', { limit: 0 }), [])
          await assert.rejects(store.listEntries('buyer:a', { limit: -1 }), hasCode('INVALID_ARGUMENT'))
          await assert.rejects(store.listEntries('buyer:a', { limit: 1.5 }), hasCode('INVALID_ARGUMENT'))
        }))

      it('takes ledger account names and ids literally, SQL-ish or unicode', () =>
        withStore(async (store) => {
          const hostile = "buyer:'; DELETE FROM ledger_entries;--"
          await store.postTransaction(transfer("id'); DROP TABLE ledger_transactions;--", 'system:grants', hostile, 9n))
          await store.postTransaction(transfer('ünïcødé-τx', 'system:grants', 'buyer:東京', 4n))
          assert.equal(await store.getBalance(hostile), 9n)
          assert.equal(await store.getBalance('buyer:東京'), 4n)
          assert.equal(await store.getBalance('system:grants'), -13n)
          assert.equal((await store.listEntries(hostile))[0]?.transactionId, "id'); DROP TABLE ledger_transactions;--")
        }))
    })

    it('reports its dialect', () =>
      withStore((store) => {
        assert.match(store.dialect, /^(sqlite|postgres)$/)
        return Promise.resolve()
      }))
  })
}

function transfer(id: string, from: string, to: string, amount: bigint): LedgerTransactionInput {
  return {
    id,
    kind: 'transfer',
    entries: [
      { ledgerAccount: from, amount: -amount },
      { ledgerAccount: to, amount },
    ],
  }
}


function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Test ids need not be well-formed, only distinct; the brand is a compile-time tag. */
function accountId(id: string): AccountId {
  return id as AccountId
}


function hasCode(code: string): (error: unknown) => boolean {
  return (error) => isErrorWithCode(error, code)
}
