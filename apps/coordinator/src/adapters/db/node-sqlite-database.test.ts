import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { describe, it } from 'node:test'
import { NodeSqliteDatabase } from './node-sqlite-database.ts'

function open(): NodeSqliteDatabase {
  const database = new DatabaseSync(':memory:')
  database.exec('create table t (id integer primary key, name text, flag integer, data blob)')
  return new NodeSqliteDatabase(database)
}

describe('NodeSqliteDatabase', () => {
  it('marks statements that return rows as readers, RETURNING and PRAGMA included', () => {
    const db = open()
    assert.equal(db.prepare('select * from t').reader, true)
    assert.equal(db.prepare('insert into t (name) values (?) returning id').reader, true)
    assert.equal(db.prepare('pragma journal_mode').reader, true)
    assert.equal(db.prepare('insert into t (name) values (?)').reader, false)
    assert.equal(db.prepare('delete from t').reader, false)
    db.close()
  })

  it('runs writes with array parameters and reports changes and the row id', () => {
    const db = open()
    assert.deepEqual(db.prepare('insert into t (name) values (?)').run(['a']), { changes: 1, lastInsertRowid: 1 })
    assert.deepEqual(db.prepare('insert into t (name) values (?)').run(['b']), { changes: 1, lastInsertRowid: 2 })
    assert.deepEqual(db.prepare('update t set name = ?').run(['c']), { changes: 2, lastInsertRowid: 2 })
    db.close()
  })

  it('reads rows with all() and iterate()', () => {
    const db = open()
    db.prepare('insert into t (name) values (?), (?)').run(['a', 'b'])
    assert.deepEqual(db.prepare('select name from t where id >= ? order by id').all([1]).map((row) => ({ ...(row as object) })), [{ name: 'a' }, { name: 'b' }])
    assert.equal([...db.prepare('select name from t').iterate([])].length, 2)
    db.close()
  })

  it('binds booleans as 0/1 and bytes as blobs, and refuses other objects', () => {
    const db = open()
    db.prepare('insert into t (flag, data) values (?, ?)').run([true, new Uint8Array([1, 2])])
    db.prepare('insert into t (flag) values (?)').run([false])
    assert.deepEqual(db.prepare('select flag from t order by id').all([]).map((row) => ({ ...(row as object) })), [{ flag: 1 }, { flag: 0 }])
    assert.throws(() => db.prepare('insert into t (name) values (?)').run([{ toString: () => 'x' }]), TypeError)
    assert.throws(() => db.prepare('insert into t (name) values (?)').run([undefined]), TypeError)
    db.close()
  })

  it('reuses a prepared writing statement, and prepares a reader anew each time', () => {
    const db = open()
    const insert = db.prepare('insert into t (name) values (?)')
    assert.equal(db.prepare('insert into t (name) values (?)'), insert)
    insert.run(['a'])
    db.prepare('insert into t (name) values (?)').run(['b'])
    const select = 'select name from t order by id'
    assert.notEqual(db.prepare(select), db.prepare(select))
    assert.deepEqual(db.prepare(select).all([]).map((row) => ({ ...(row as object) })), [{ name: 'a' }, { name: 'b' }])
    db.close()
  })

  it('can be closed twice', () => {
    const db = open()
    db.close()
    db.close()
  })
})
