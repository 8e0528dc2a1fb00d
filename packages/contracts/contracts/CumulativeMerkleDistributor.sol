// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Cumulative Merkle distributor
/// @notice Each root commits to (account, cumulativeAmount) leaves: the total ever owed to
/// the account. A claim pays cumulativeAmount - claimed[account], so only the latest root
/// matters and nothing expires. Leaves use OpenZeppelin's standard format
/// keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))), as built by the
/// OpenZeppelin merkle-tree StandardMerkleTree with types ["address", "uint256"].
contract CumulativeMerkleDistributor is AccessControl {
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    IERC20 public immutable token;
    /// @notice The latest root.
    bytes32 public merkleRoot;
    /// @notice Number of roots posted so far; the settler names the next one, so a root
    /// sent twice (a retry after a crash) is refused instead of applied twice.
    uint64 public sequence;
    /// @notice Base units already paid to each account.
    mapping(address account => uint256) public claimed;

    event RootPosted(uint64 indexed sequence, bytes32 root);
    /// @notice `amount` paid to `account`. The account's cumulative total is claimed(account),
    /// and equals the sum of its Claimed amounts.
    event Claimed(address indexed account, uint256 amount);

    error UnexpectedSequence(uint64 expected, uint64 given);
    error InvalidProof();
    error NothingToClaim();
    /// @notice The token's transfer returned something other than true.
    error TransferFailed();

    constructor(IERC20 token_, address admin) {
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Posts root number `newSequence`, which must be exactly sequence + 1.
    function postRoot(uint64 newSequence, bytes32 newRoot) external onlyRole(SETTLER_ROLE) {
        uint64 expected = sequence + 1;
        if (newSequence != expected) revert UnexpectedSequence(expected, newSequence);
        sequence = newSequence;
        merkleRoot = newRoot;
        emit RootPosted(newSequence, newRoot);
    }

    /// @notice Pays `account` what the latest root owes it beyond what it was already paid.
    /// Anyone may call it; the tokens always go to `account`. Returns the amount paid.
    /// @dev Written in assembly because a claim is the one call every operator pays for: the
    /// same steps in Solidity cost about 1 650 gas more (ADR 0013, "Claim gas, round three").
    /// Steps, in order: leaf = keccak256(bytes.concat(keccak256(abi.encode(account,
    /// cumulativeAmount)))) (OpenZeppelin's standard leaf); fold the proof with sorted-pair
    /// hashing as OpenZeppelin's MerkleProof does; compare with the latest root; check and
    /// record claimed[account]; emit Claimed; call token.transfer(account, amount) and require
    /// it to return true (a revert inside the token is passed on unchanged).
    /// The ABI decoder has already checked that `account` is a clean address and that the
    /// proof lies inside the calldata. Only scratch space (0x00-0x3f) is written, except for
    /// the transfer's arguments, which borrow the free memory pointer's zero high bytes and
    /// put them back.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external returns (uint256 amount) {
        bytes32 root = merkleRoot;
        bytes32 claimedTopic = Claimed.selector;
        IERC20 token_ = token;
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, cumulativeAmount)
            mstore(0x00, keccak256(0x00, 0x40))
            let node := keccak256(0x00, 0x20)
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // The smaller of the two hashes goes first (0x00), the larger second (0x20).
                let first := shl(5, gt(node, sibling))
                mstore(first, node)
                mstore(xor(first, 0x20), sibling)
                node := keccak256(0x00, 0x40)
            }
            if iszero(eq(node, root)) {
                mstore(0x00, 0x09bde339) // InvalidProof()
                revert(0x1c, 0x04)
            }
            mstore(0x00, account)
            mstore(0x20, claimed.slot)
            let slot := keccak256(0x00, 0x40)
            let already := sload(slot)
            if iszero(gt(cumulativeAmount, already)) {
                mstore(0x00, 0x969bf728) // NothingToClaim()
                revert(0x1c, 0x04)
            }
            // Cannot underflow: cumulativeAmount > already.
            amount := sub(cumulativeAmount, already)
            sstore(slot, cumulativeAmount)
            mstore(0x00, amount)
            log2(0x00, 0x20, claimedTopic, account)
            // transfer(account, amount): selector at 0x10, account at 0x14, amount at 0x34.
            mstore(0x00, 0xa9059cbb000000000000000000000000)
            mstore(0x14, account)
            mstore(0x34, amount)
            let ok := call(gas(), token_, 0, 0x10, 0x44, 0x00, 0x20)
            if iszero(and(ok, eq(mload(0x00), 1))) {
                if iszero(ok) {
                    returndatacopy(0x00, 0x00, returndatasize())
                    revert(0x00, returndatasize())
                }
                mstore(0x00, 0x90b8ec18) // TransferFailed()
                revert(0x1c, 0x04)
            }
            mstore(0x34, 0)
            mstore(0x00, amount)
            return(0x00, 0x20)
        }
    }
}
